"""Second-factor events, for the security audit log (GB/T 22239-2019 8.1.4.3 安全审计).

Each is sent with ``sender`` (the sending class or module), ``user`` (whose factor), and
``request``; ``second_factor_reset`` also with ``actor`` (the system administrator who reset
it). ``second_factor_failed`` carries ``reason`` (``"wrong_code"`` or ``"throttled"``). This app
records nothing itself: the audit log subscribes.
"""

from django.dispatch import Signal

second_factor_enrolled = Signal()  # user, request, device
second_factor_verified = Signal()  # user, request, device
second_factor_failed = Signal()  # user, request, reason
second_factor_reset = Signal()  # user, actor, request
