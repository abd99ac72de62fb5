"""drf-spectacular hooks: the published schema covers the public API only."""

from __future__ import annotations


def only_public_api(endpoints):
    """Leave out Wagtail's admin API (/admin/api/…), which is not ours to document."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


PATH_PARAMETERS = {"id": "记录编号（列表中的 id）。", "slug": "数据订阅的接口标识。"}


def describe_identifiers(result, generator, request, public):
    """Model primary keys and path ids carry no help text of their own: describe them once here."""
    for component in result.get("components", {}).get("schemas", {}).values():
        spec = component.get("properties", {}).get("id")
        if spec is not None and not spec.get("description"):
            spec["description"] = "记录编号。"
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "path" and not parameter.get("description"):
                    parameter["description"] = PATH_PARAMETERS.get(parameter["name"], "")
    return result
