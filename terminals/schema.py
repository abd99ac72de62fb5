"""drf-spectacular: how the terminals' key scheme appears in the published schema."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TerminalKeyScheme(OpenApiAuthenticationExtension):
    """Documents ``Authorization: Api-Key <key>`` (terminals.auth.TerminalKeyAuthentication)."""

    target_class = "terminals.auth.TerminalKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "接口密钥：请求头 Authorization: Api-Key <密钥>（或 X-Api-Key: <密钥>）。"
                "密钥在后台“数据接口 › 接入终端”发放。"
            ),
        }
