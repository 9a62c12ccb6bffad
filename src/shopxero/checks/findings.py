"""What ``shopxero doctor``'s checks find: a ``Check`` each, gathered by a ``Collector`` per
service (shared by ``checks.doctor`` and ``checks.doctor_shopify``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shopxero.errors import ApiAuthError, AuthError, ShopxeroError, TransientApiError

__all__ = ["Check", "Collector", "Status"]

Status = Literal["ok", "warning", "error"]


@dataclass(frozen=True)
class Check:
    """One finding: which service, what was checked, the outcome, what was found, the fix."""

    service: str  # "settings" | "shopify" | "xero"
    name: str
    status: Status
    detail: str
    fix: str = ""


class Collector:
    """Appends one service's findings to the report's list."""

    def __init__(self, service: str, out: list[Check]) -> None:
        self.service = service
        self._out = out

    def ok(self, name: str, detail: str) -> None:
        self._out.append(Check(self.service, name, "ok", detail))

    def warning(self, name: str, detail: str, fix: str) -> None:
        self._out.append(Check(self.service, name, "warning", detail, fix))

    def error(self, name: str, detail: str, fix: str) -> None:
        self._out.append(Check(self.service, name, "error", detail, fix))

    def failure(
        self, name: str, exc: ShopxeroError, credentials_fix: str, *, network_fix: str = ""
    ) -> None:
        """An exception from a check call, sorted into credentials, connectivity or other."""
        if isinstance(exc, AuthError | ApiAuthError):
            self.error("credentials", f"{name}: {exc}", credentials_fix)
        elif isinstance(exc, TransientApiError):
            self.error(
                "connectivity",
                f"{name}: {exc}",
                network_fix
                or "check the network and the service status page, then run `shopxero doctor` "
                "again",
            )
        else:
            self.error(name, str(exc), credentials_fix)
