"""The GraphQL Admin API queries the GraphQL client sends (2026-10 schema).

Page sizes keep each query's requested cost under Shopify's 1,000-point limit
(shopify-api-notes §3, §10): orders cost most (lines, their taxes and discounts, shipping,
transactions, refunds), so a page of them holds two; nested lists beyond a page are read with
follow-up queries. A run's changes are read by id instead (``changed_ids``, then ``RECORDS``).
``tests/shopify/test_graphql_client.py`` validates every query here against the vendored schema
(the generated ones for every set of resources).
"""

from __future__ import annotations

import re

__all__ = [
    "AGREEMENTS",
    "BALANCE_TRANSACTIONS",
    "BALANCE_TRANSACTION_PAGE",
    "BULK_CUSTOMERS",
    "BULK_ORDERS",
    "BULK_PRODUCTS",
    "CANCEL_BULK",
    "CUSTOMERS",
    "CUSTOMER_ONE",
    "CUSTOMER_PAGE",
    "MAX_IDS",
    "ORDERS",
    "ORDER_LINES",
    "ORDER_NODES",
    "ORDER_NODES_AGREEMENTS",
    "ORDER_ONE",
    "ORDER_PAGE",
    "PAYMENTS_BALANCE",
    "PAYOUTS",
    "PAYOUT_BATCH",
    "PAYOUT_ONE",
    "PAYOUT_PAGE",
    "POLL_BULKS",
    "PRODUCTS",
    "PRODUCT_ONE",
    "PRODUCT_VARIANTS",
    "RECORDS",
    "REFUNDS",
    "REFUNDS_AND_AGREEMENTS",
    "RESOURCES",
    "SCOPES",
    "SHOP",
    "TAX_SAMPLE",
    "TAX_SAMPLE_LINES",
    "TAX_SAMPLE_PAGE",
    "changed_ids",
    "run_bulks",
]

CUSTOMER_PAGE = 150
ORDER_PAGE = 2
PRODUCT_PAGE = 40
LINES = 10
VARIANTS = 10
REFUND_LINES = 5

_FRAGMENTS: dict[str, str] = {
    "Money": """
fragment Money on MoneyBag {
  shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }
}""",
    "Address": """
fragment Address on MailingAddress {
  id firstName lastName name company address1 address2 city province provinceCode country
  countryCodeV2 zip phone
}""",
    "Tax": """
fragment Tax on TaxLine { title rate channelLiable priceSet { ...Money } }""",
    "Allocation": """
fragment Allocation on DiscountAllocation {
  allocatedAmountSet { ...Money } discountApplication { index }
}""",
    "CustomerFields": """
fragment CustomerFields on Customer {
  id legacyResourceId firstName lastName note state tags taxExempt verifiedEmail createdAt
  updatedAt defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber }
  amountSpent { currencyCode } defaultAddress { ...Address } addresses { ...Address }
}""",
    "VariantFields": """
fragment VariantFields on ProductVariant {
  id legacyResourceId title price compareAtPrice sku barcode position taxable taxCode
  createdAt updatedAt inventoryItem { id tracked requiresShipping }
}""",
    "ProductFields": """
fragment ProductFields on Product {
  id legacyResourceId title descriptionHtml vendor productType handle status tags createdAt
  updatedAt publishedAt
}""",
    "LineFields": """
fragment LineFields on LineItem {
  id name title variantTitle vendor sku quantity currentQuantity taxable requiresShipping
  isGiftCard originalUnitPriceSet { ...Money } totalDiscountSet { ...Money }
  taxLines { ...Tax } discountAllocations { ...Allocation }
  duties { id price { ...Money } }
  variant { id product { id } }
}""",
    "TransactionFields": """
fragment TransactionFields on OrderTransaction {
  id kind status gateway test createdAt processedAt errorCode paymentId manualPaymentGateway
  amountSet { ...Money } parentTransaction { id }
}""",
    "OrderScalars": """
fragment OrderScalars on Order {
  id legacyResourceId name number email phone note createdAt updatedAt processedAt cancelledAt
  cancelReason closedAt displayFinancialStatus displayFulfillmentStatus currencyCode
  presentmentCurrencyCode discountCodes taxesIncluded taxExempt test sourceName tags
  paymentGatewayNames
  totalPriceSet { ...Money } subtotalPriceSet { ...Money } totalTaxSet { ...Money }
  totalDiscountsSet { ...Money } totalShippingPriceSet { ...Money }
  totalTipReceivedSet { ...Money } totalOutstandingSet { ...Money }
  currentTotalPriceSet { ...Money } currentSubtotalPriceSet { ...Money }
  currentTotalTaxSet { ...Money } currentTotalDiscountsSet { ...Money }
  originalTotalDutiesSet { ...Money } currentTotalDutiesSet { ...Money }
  originalTotalAdditionalFeesSet { ...Money } currentTotalAdditionalFeesSet { ...Money }
  customer { ...CustomerFields }
  billingAddress { ...Address } shippingAddress { ...Address }
  taxLines { ...Tax }
  transactions { ...TransactionFields }
}""",
    # An order's lists: connections and refunds (a bulk query takes no connection inside a
    # list, so a bulk read asks for refunds apart: BULK_ORDERS, REFUNDS).
    "OrderFields": """
fragment OrderFields on Order {
  ...OrderScalars
  discountApplications(first: 5) { nodes { ...Application } pageInfo { hasNextPage } }
  shippingLines(first: 3) { nodes { ...Shipping } pageInfo { hasNextPage } }
  refunds { ...RefundFields }
  lineItems(first: __LINES__) { nodes { ...LineFields } pageInfo { hasNextPage endCursor } }
}""".replace("__LINES__", str(LINES)),
    "Application": """
fragment Application on DiscountApplication {
  __typename index allocationMethod targetSelection targetType
  value { ... on MoneyV2 { amount currencyCode } ... on PricingPercentageValue { percentage } }
  ... on DiscountCodeApplication { code }
  ... on ManualDiscountApplication { title description }
  ... on AutomaticDiscountApplication { title }
  ... on ScriptDiscountApplication { title }
}""",
    "Shipping": """
fragment Shipping on ShippingLine {
  id title code source isRemoved originalPriceSet { ...Money } discountedPriceSet { ...Money }
  taxLines { ...Tax } discountAllocations { ...Allocation }
}""",
    # A refund's lists sized for what one refund usually holds, so a query holds many orders'
    # refunds; a refund with more than a page of any of them is read whole (the client's
    # ``_cut_short``). No ``totalRefundedSet``: the records are built from the lines.
    "RefundFields": """
fragment RefundFields on Refund {
  id legacyResourceId note createdAt processedAt
  duties { amountSet { ...Money } originalDuty { id } }
  refundLineItems(first: __REFUND_LINES__) { nodes {
    id quantity restockType subtotalSet { ...Money } totalTaxSet { ...Money } lineItem { id }
  } pageInfo { hasNextPage } }
  refundShippingLines(first: 1) { nodes {
    id subtotalAmountSet { ...Money } taxAmountSet { ...Money } shippingLine { id }
  } pageInfo { hasNextPage } }
  orderAdjustments(first: 1) {
    nodes { id reason amountSet { ...Money } taxAmountSet { ...Money } } pageInfo { hasNextPage }
  }
  transactions(first: 2) { nodes { id } pageInfo { hasNextPage } }
}""".replace("__REFUND_LINES__", str(REFUND_LINES)),
}
_SPREAD = re.compile(r"\.\.\.(?!\s*on\b)\s*([A-Za-z_]\w*)")


def _document(operation: str) -> str:
    """``operation`` with exactly the fragments it uses (GraphQL refuses unused ones)."""
    needed: list[str] = []
    pending = _SPREAD.findall(operation)
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.append(name)
            pending += _SPREAD.findall(_FRAGMENTS[name])
    return operation.strip() + "\n" + "\n".join(_FRAGMENTS[n] for n in sorted(needed))


SHOP = """query Shop { shop { id name email contactEmail currencyCode ianaTimezone taxesIncluded
  taxShipping myshopifyDomain enabledPresentmentCurrencies createdAt updatedAt
  primaryDomain { host } features { giftCards }
  shopAddress { address1 address2 city province provinceCode country countryCodeV2 zip phone }
} }"""
SCOPES = "{ currentAppInstallation { accessScopes { handle } } }"

# ``doctor``'s sample of the taxes Shopify charged (``checks.doctor_shopify``): the newest orders'
# addresses and the tax lines of their line items and shipping line, REST's sample fields. A tax
# line costs 3 (itself, ``priceSet``, ``shopMoney``: the price tells a charged line from a
# tax-exempt 0.00 one) and a line 4, so an order asks 1 + 2 + (2 + 4 x 4) + (2 + 4) = 27 points:
# 36 orders a query (2 + 36 x 27 = 974) where REST's page holds 100, the most under the 1,000-point
# cap (37 ask 1,001). Four lines an order cover most orders; a longer one's further lines are not
# sampled (a sample: the sync reads every line).
TAX_SAMPLE_PAGE = 36
TAX_SAMPLE_LINES = 4
_FRAGMENTS["SampleTax"] = """
fragment SampleTax on TaxLine { title rate channelLiable priceSet { shopMoney { amount } } }"""
TAX_SAMPLE = _document(
    """
query TaxSample($first: Int!) { orders(first: $first, reverse: true) { nodes {
  id shippingAddress { countryCodeV2 provinceCode } billingAddress { countryCodeV2 provinceCode }
  lineItems(first: __LINES__) { nodes { taxLines { ...SampleTax } } }
  shippingLines(first: 1) { nodes { taxLines { ...SampleTax } } }
} } }""".replace("__LINES__", str(TAX_SAMPLE_LINES))
)

CUSTOMERS = _document("""
query Customers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { ...CustomerFields } pageInfo { hasNextPage endCursor }
  } }""")
CUSTOMER_ONE = _document("""
query Customer($id: ID!) { customer(id: $id) { ...CustomerFields } }""")

PRODUCTS = _document(
    """
query Products($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { ...ProductFields variants(first: __VARIANTS__) { nodes { ...VariantFields }
      pageInfo { hasNextPage endCursor } } }
    pageInfo { hasNextPage endCursor }
  } }""".replace("__VARIANTS__", str(VARIANTS))
)
PRODUCT_ONE = _document(
    """
query Product($id: ID!) { product(id: $id) { ...ProductFields
  variants(first: __VARIANTS__) { nodes { ...VariantFields }
    pageInfo { hasNextPage endCursor } }
} }""".replace("__VARIANTS__", str(VARIANTS))
)
PRODUCT_VARIANTS = _document("""
query ProductVariants($id: ID!, $after: String) { product(id: $id) {
  variants(first: 250, after: $after) { nodes { ...VariantFields }
    pageInfo { hasNextPage endCursor } } } }""")

ORDERS = _document("""
query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { ...OrderFields } pageInfo { hasNextPage endCursor }
  } }""")
ORDER_ONE = _document("""
query Order($id: ID!) { order(id: $id) { ...OrderFields } }""")
# Orders by id (the payouts step's orders): as many to a query as ``graphql_ids`` lets through.
ORDER_NODES = _document("""
query OrderNodes($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { ...OrderFields } } }""")
ORDER_LINES = _document("""
query OrderLines($id: ID!, $after: String) { order(id: $id) {
  lineItems(first: 30, after: $after) { nodes { ...LineFields }
    pageInfo { hasNextPage endCursor } } } }""")

# -- bulk operations (shopify-api-notes §10): whole connections, no `first`, `__typename` on the
# nested nodes so the JSONL lines can be told apart --------------------------------------------

CANCEL_BULK = """mutation CancelBulk($id: ID!) { bulkOperationCancel(id: $id) {
  bulkOperation { id status } userErrors { field message } } }"""
# Every bulk operation still running, in one poll.
POLL_BULKS = """query PollBulks($ids: [ID!]!) { nodes(ids: $ids) { ... on BulkOperation {
  id status errorCode objectCount url } } }"""
# Refunded additional fees are not on the 2026-10 Refund: they are sales of the order's refund
# agreements (shopify-api-notes §10 "Sales agreements"), three connections deep in a bulk query,
# so they are read apart for the orders that have refunds and additional fees. Only a refund
# agreement's sales are asked for; an order with more agreements, or a refund with more sales,
# than a page holds is read whole through REST (the client's ``_cut_short``).
AGREEMENTS_PAGE = 5
SALES_PAGE = 20
_FRAGMENTS["FeeSales"] = """
fragment FeeSales on RefundAgreement {
  refund { id }
  sales(first: __SALES__) { nodes {
    __typename lineType actionType
    ... on AdditionalFeeSale {
      additionalFee { id } totalAmount { ...Money } totalTaxAmount { ...Money }
    }
  } pageInfo { hasNextPage } }
}""".replace("__SALES__", str(SALES_PAGE))
AGREEMENTS = _document(
    """
query Agreements($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { id
  agreements(first: __AGREEMENTS__) { nodes { __typename ...FeeSales } pageInfo { hasNextPage } }
} } }""".replace("__AGREEMENTS__", str(AGREEMENTS_PAGE))
)
# The same, for orders read by id (``get_orders``, the payouts step's), under its own name so
# that the call counts tell the two apart (bench/counts.py).
ORDER_NODES_AGREEMENTS = AGREEMENTS.replace("query Agreements(", "query OrderNodesAgreements(", 1)
REFUNDS = _document("""
query Refunds($ids: [ID!]!) {
  nodes(ids: $ids) { ... on Order { id refunds { ...RefundFields } } } }""")
# A bulk read's batch of refunds with the agreements of those of its orders that need them
# (``$fees``), in one request when its cost allows (the two root fields are priced apart).
REFUNDS_AND_AGREEMENTS = _document(
    """
query RefundsAndAgreements($ids: [ID!]!, $fees: [ID!]!) {
  nodes(ids: $ids) { ... on Order { id refunds { ...RefundFields } } }
  fees: nodes(ids: $fees) { ... on Order { id
    agreements(first: __AGREEMENTS__) { nodes { __typename ...FeeSales } pageInfo { hasNextPage } }
  } } }""".replace("__AGREEMENTS__", str(AGREEMENTS_PAGE))
)
# Records by id, whatever their kind: the changed records a run prepared (``changed_ids``).
RECORDS = _document(
    """
query Records($ids: [ID!]!) { nodes(ids: $ids) {
  __typename
  ... on Customer { ...CustomerFields }
  ... on Product { ...ProductFields variants(first: __VARIANTS__) { nodes { ...VariantFields }
    pageInfo { hasNextPage endCursor } } }
  ... on Order { ...OrderFields }
} }""".replace("__VARIANTS__", str(VARIANTS))
)
# Ids one ``nodes(ids:)`` query or ids page takes at most (the input cap, shopify-api-notes §3).
MAX_IDS = 250
RESOURCES = ("customers", "products", "orders")


def run_bulks(names: list[str]) -> str:
    """One request starting a bulk query per name (``$orders``: the orders' query), each
    ``bulkOperationRunQuery`` under its name as an alias (a mutation costs 10 points each),
    grouped (``groupObjects: true``: each record's nested lines right after it, so the file is
    read a record at a time; shopify-api-notes §10)."""
    fields = "\n".join(
        f"  {n}: bulkOperationRunQuery(query: ${n}, groupObjects: true) "
        "{ bulkOperation { id status } "
        "userErrors { field message code } }"
        for n in names
    )
    params = ", ".join(f"${n}: String!" for n in names)
    return f"mutation RunBulk({params}) {{\n{fields}\n}}"


def changed_ids(names: list[str]) -> str:
    """One request for the first (or next) page of ids of each resource named, changed since
    its search (``$orders``: a search string; ``$ordersAfter``: a cursor). Ids only: a page of
    250 costs 252 points, so the three resources' first pages fit one query."""
    fields = "\n".join(
        f"  {n}(first: {MAX_IDS}, after: ${n}After, query: ${n}, sortKey: UPDATED_AT) {{ "
        "nodes { id } pageInfo { hasNextPage endCursor } }"
        for n in names
    )
    params = ", ".join(f"${n}: String, ${n}After: String" for n in names)
    return f"query ChangedIds({params}) {{\n{fields}\n}}"


BULK_CUSTOMERS = _document("""
{ customers { edges { node { ...CustomerFields } } } }""")
BULK_PRODUCTS = _document("""
{ products { edges { node { ...ProductFields
  variants { edges { node { __typename ...VariantFields } } } } } } }""")
BULK_ORDERS = _document("""
{ orders { edges { node { ...OrderScalars refunds { id }
  lineItems { edges { node { __typename ...LineFields } } }
  shippingLines { edges { node { __typename ...Shipping } } }
  discountApplications { edges { node { ...Application } } } } } } }""")

# -- Shopify Payments (shopify-api-notes §9, §10): the account's payouts, balance transactions and
# balance. ``shop { ianaTimezone }`` comes with the payouts: a payout's REST ``date`` is the day
# of its ``issuedAt`` in the shop's time zone. Newest first, as REST lists them. -----------------

# A payout costs 13 points (itself, ``net``, ``summary`` and its ten amounts): 70 a page ask
# 2 + 2 + 70 x 13 = 914 with the account and the shop, under the 1,000-point cap.
PAYOUT_PAGE = 70
# A balance transaction costs 8 (itself, three amounts, its order, its payout, its adjustment
# orders and their amount): 120 a page ask 1 + 2 + 120 x 8 = 963 with the account.
BALANCE_TRANSACTION_PAGE = 120
# Payouts whose balance transactions one query asks for (``payments_transfer_id:a OR ...``).
PAYOUT_BATCH = 20

_FRAGMENTS["PayoutFields"] = """
fragment PayoutFields on ShopifyPaymentsPayout {
  id legacyResourceId status issuedAt transactionType net { amount currencyCode }
  summary {
    adjustmentsFee { amount } adjustmentsGross { amount } chargesFee { amount }
    chargesGross { amount } refundsFee { amount } refundsFeeGross { amount }
    reservedFundsFee { amount } reservedFundsGross { amount } retriedPayoutsFee { amount }
    retriedPayoutsGross { amount }
  }
}"""
_FRAGMENTS["BalanceTransactionFields"] = """
fragment BalanceTransactionFields on ShopifyPaymentsBalanceTransaction {
  id type test amount { amount currencyCode } fee { amount } net { amount }
  sourceId sourceType sourceOrderTransactionId associatedOrder { id name }
  associatedPayout { id status } adjustmentReason transactionDate
  adjustmentsOrders { orderTransactionId amount { amount } name }
}"""

PAYOUTS = _document("""
query Payouts($first: Int!, $after: String, $query: String) {
  shop { ianaTimezone }
  shopifyPaymentsAccount {
    payouts(first: $first, after: $after, query: $query, sortKey: ISSUED_AT, reverse: true) {
      nodes { ...PayoutFields } pageInfo { hasNextPage endCursor }
    } } }""")
PAYOUT_ONE = _document("""
query Payout($query: String!) {
  shop { ianaTimezone }
  shopifyPaymentsAccount { payouts(first: 1, query: $query) { nodes { ...PayoutFields } } } }""")
BALANCE_TRANSACTIONS = _document("""
query BalanceTransactions($first: Int!, $after: String, $query: String) {
  shopifyPaymentsAccount {
    balanceTransactions(
      first: $first, after: $after, query: $query, sortKey: PROCESSED_AT, reverse: true
    ) { nodes { ...BalanceTransactionFields } pageInfo { hasNextPage endCursor } }
  } }""")
PAYMENTS_BALANCE = """query PaymentsBalance {
  shopifyPaymentsAccount { balance { amount currencyCode } } }"""
