"""Department role events, for the security audit log (GB/T 22239-2019 8.1.4.3 安全审计).

``membership_changed`` is sent after a membership is added, changed or removed, with
``membership`` (the row; after a removal, the deleted instance), ``action`` (``"add"``,
``"change"`` or ``"remove"``) and ``previous_user_id`` (set when a membership was handed to
another user). This app records nothing itself: the audit log subscribes, so permissions knows
no app above core.
"""

from django.dispatch import Signal

membership_changed = Signal()  # membership, action, previous_user_id
