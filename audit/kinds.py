"""The registry of audit event kinds (事件类型): a key stored in each row, a Chinese label shown.

The framework's kinds are registered here; a domain registers its own from its
``AppConfig.ready()`` with ``audit.register_kind(key, label)``, so audit never names a domain.
Keys are stored, never renamed: a kind once recorded keeps its key for as long as its rows are
kept (GB/T 22239-2019 8.1.4.3 b): the type of every event is on record).
"""

from __future__ import annotations

import re

_KEY = re.compile(r"^[a-z][a-z0-9_.]{1,63}$")
_kinds: dict[str, str] = {}


def register_kind(key: str, label: str) -> str:
    """Register (or confirm) a kind; returns the key, so a module can keep it as a constant.

    Registering the same key twice with the same label is harmless (``ready()`` may run twice in
    tests); a second, different label for a key already taken is a programming error.
    """
    if not _KEY.match(key):
        raise ValueError(f"audit kind {key!r}: lower-case letters, digits, '_' and '.' only (2-64)")
    if not label:
        raise ValueError(f"audit kind {key!r} needs a Chinese label")
    if _kinds.get(key, label) != label:
        raise ValueError(f"audit kind {key!r} is already registered as {_kinds[key]!r}")
    _kinds[key] = label
    return key


def is_registered(key: str) -> bool:
    return key in _kinds


def label_of(key: str) -> str:
    """The kind's Chinese label; an unknown key (a kind whose app was removed) shows as itself."""
    return _kinds.get(key, key)


def choices() -> list[tuple[str, str]]:
    """(key, label) of every registered kind, in label order, for filters."""
    return sorted(_kinds.items(), key=lambda item: item[1])


# ---- the framework's kinds ------------------------------------------------------------------

LOGIN_SUCCESS = register_kind("login_success", "登录成功")
LOGIN_FAILURE = register_kind("login_failure", "登录失败")
LOCKOUT = register_kind("lockout", "账户锁定")
LOGOUT = register_kind("logout", "退出登录")
PASSWORD_CHANGE = register_kind("password_change", "修改密码")
USER_CREATED = register_kind("user_created", "创建用户")
USER_DELETED = register_kind("user_deleted", "删除用户")
USER_PERMISSIONS_CHANGED = register_kind("user_permissions_changed", "用户权限变更")
USER_GROUPS_CHANGED = register_kind("user_groups_changed", "用户组成员变更")
GROUP_PERMISSIONS_CHANGED = register_kind("group_permissions_changed", "用户组权限变更")
MEMBERSHIP_CHANGED = register_kind("membership_changed", "部门角色变更")
PAGE_PUBLISHED = register_kind("page_published", "发布页面")
PAGE_UNPUBLISHED = register_kind("page_unpublished", "撤销发布页面")
PAGE_DELETED = register_kind("page_deleted", "删除页面")
SNIPPET_PUBLISHED = register_kind("snippet_published", "发布内容")
SNIPPET_UNPUBLISHED = register_kind("snippet_unpublished", "撤销发布内容")
CONTENT_DELETED = register_kind("content_deleted", "删除内容")
PII_VIEW = register_kind("pii_view", "查看个人信息")
PII_EXPORT = register_kind("pii_export", "导出个人信息")
API_KEY_CREATED = register_kind("api_key_created", "创建接口密钥")
API_KEY_ROTATED = register_kind("api_key_rotated", "轮换接口密钥")
API_KEY_REVOKED = register_kind("api_key_revoked", "吊销接口密钥")
SECOND_FACTOR_ENROLLED = register_kind("second_factor_enrolled", "绑定第二认证因子")
SECOND_FACTOR_VERIFIED = register_kind("second_factor_verified", "第二因子验证成功")
SECOND_FACTOR_FAILED = register_kind("second_factor_failed", "第二因子验证失败")
SECOND_FACTOR_RESET = register_kind("second_factor_reset", "重置第二认证因子")
AUDIT_VIEWED = register_kind("audit_viewed", "查看审计日志")
AUDIT_EXPORTED = register_kind("audit_exported", "导出审计日志")
AUDIT_PURGED = register_kind("audit_purged", "清理过期审计记录")
