"""The JSON API root: one NinjaAPI wiring every app's router, with core's auth and errors."""

from typing import Any

from ninja import NinjaAPI

from intercoop.core.api import document_errors, install_error_handlers


class IntercoopAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return document_errors(super().get_openapi_schema(*args, **kwargs))


api = IntercoopAPI(
    title="Intercoop API",
    version="1",
    description="The directory of co-operatives and their allies, as open data.",
    docs_url="/docs",
)
install_error_handlers(api)

api.add_router("/", "intercoop.directory.api.router")
api.add_router("/", "intercoop.network.api.router")
api.add_router("/", "intercoop.exchange.api.router")
api.add_router("/", "intercoop.purchasing.api.router")
api.add_router("/", "intercoop.clearing.api.router")
api.add_router("/", "intercoop.governance.api.router")
api.add_router("/", "intercoop.capital.api.router")
api.add_router("/", "intercoop.membership.api.router")
api.add_router("/", "intercoop.core.tasks_api.router")
api.add_router("/", "intercoop.home.api.router")
