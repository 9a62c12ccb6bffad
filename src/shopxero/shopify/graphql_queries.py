"""The GraphQL Admin API queries the GraphQL client sends (2026-10 schema).

Page sizes keep each query's requested cost under Shopify's 1,000-point limit
(shopify-api-notes §3, §10): orders cost most (lines, their taxes and discounts, shipping,
transactions, refunds), so they come 5 a page; nested lists beyond a page are read with
follow-up queries. ``tests/shopify/test_graphql_client.py`` validates every query here against
the vendored schema.
"""

from __future__ import annotations

import re

__all__ = [
    "CUSTOMERS",
    "CUSTOMER_ONE",
    "CUSTOMER_PAGE",
    "ORDERS",
    "ORDER_LINES",
    "ORDER_ONE",
    "ORDER_PAGE",
    "PRODUCTS",
    "PRODUCT_ONE",
    "PRODUCT_VARIANTS",
    "SCOPES",
    "SHOP",
]

CUSTOMER_PAGE = 50
ORDER_PAGE = 2
PRODUCT_PAGE = 10
LINES = 10
VARIANTS = 40

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
    "OrderFields": """
fragment OrderFields on Order {
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
  discountApplications(first: 5) { nodes {
    __typename index allocationMethod targetSelection targetType
    value { ... on MoneyV2 { amount currencyCode } ... on PricingPercentageValue { percentage } }
    ... on DiscountCodeApplication { code }
    ... on ManualDiscountApplication { title description }
    ... on AutomaticDiscountApplication { title }
    ... on ScriptDiscountApplication { title }
  } pageInfo { hasNextPage } }
  shippingLines(first: 3) { nodes {
    id title code source isRemoved originalPriceSet { ...Money } discountedPriceSet { ...Money }
    taxLines { ...Tax } discountAllocations { ...Allocation }
  } pageInfo { hasNextPage } }
  transactions { ...TransactionFields }
  refunds {
    id legacyResourceId note createdAt processedAt
    totalRefundedSet { ...Money }
    duties { amountSet { ...Money } originalDuty { id } }
    refundLineItems(first: 10) { nodes {
      id quantity restockType subtotalSet { ...Money } totalTaxSet { ...Money } lineItem { id }
    } pageInfo { hasNextPage } }
    refundShippingLines(first: 3) { nodes {
      id subtotalAmountSet { ...Money } taxAmountSet { ...Money } shippingLine { id }
    } pageInfo { hasNextPage } }
    orderAdjustments(first: 2) {
      nodes { id reason amountSet { ...Money } taxAmountSet { ...Money } } pageInfo { hasNextPage }
    }
    transactions(first: 10) { nodes { id } pageInfo { hasNextPage } }
  }
  lineItems(first: __LINES__) { nodes { ...LineFields } pageInfo { hasNextPage endCursor } }
}""".replace("__LINES__", str(LINES)),
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


SHOP = """{ shop { id name email contactEmail currencyCode ianaTimezone taxesIncluded taxShipping
  myshopifyDomain } }"""
SCOPES = "{ currentAppInstallation { accessScopes { handle } } }"

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
ORDER_LINES = _document("""
query OrderLines($id: ID!, $after: String) { order(id: $id) {
  lineItems(first: 30, after: $after) { nodes { ...LineFields }
    pageInfo { hasNextPage endCursor } } } }""")
