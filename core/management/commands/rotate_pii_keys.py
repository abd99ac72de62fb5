"""Re-encrypt all personal data under the first key of ``PII_ENCRYPTION_KEYS`` (key rotation).

Every model with an ``EncryptedTextField`` (``core.pii.encrypted_fields``: new domains are found
without edits) is walked in primary-key batches, each batch one transaction with its rows locked
(``select_for_update``). A value the first key already opens is left alone; any other is rotated
(``MultiFernet.rotate``), written with ``QuerySet.update`` (no signals, no history rows, no
``auto_now`` bumps) and read back: it must open with the first key alone and give the same plain
text, else that row is rolled back. A row with a value no key opens is reported by model and
primary key (never the value), left as it is, and makes the command exit non-zero.

``--dry-run`` writes nothing; ``--check`` only verifies that every value opens with the first key
(the step before the old key is removed). Procedure: docs/personal-data.md (《个人信息保护法》
第五十一条; GB/T 22239-2019 8.1.4.7, 8.1.4.8).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F, Value

from core import pii


class RowNotVerified(Exception):
    """A rotated row did not read back as the same plain text under the first key."""


@dataclass
class Tally:
    rotated: int = 0
    current: int = 0
    failed: list[tuple[object, str]] = field(default_factory=list)


def raw_columns(fields: list[pii.EncryptedTextField]) -> dict[str, ExpressionWrapper]:
    """The stored ciphertexts as plain text columns (no decryption on the way out)."""
    return {f"pii_raw_{f.attname}": ExpressionWrapper(F(f.attname), output_field=models.TextField()) for f in fields}


class Command(BaseCommand):
    help = "用 PII_ENCRYPTION_KEYS 的第一个密钥重新加密全部个人信息（密钥轮换）；--check 只核验。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不写入数据库")
        parser.add_argument("--check", action="store_true", help="只核验：每个值都能用第一个密钥解密")
        parser.add_argument("--batch-size", type=int, default=500, help="每个事务处理的行数（默认 500）")

    def handle(self, *args, **options):
        check, dry_run, size = options["check"], options["dry_run"], max(1, options["batch_size"])
        write = not (check or dry_run)
        failed = stale = 0
        for model, fields in pii.encrypted_fields():
            tally = self.walk(model, fields, size, write)
            failed += len(tally.failed)
            label = f"{model._meta.label}（{model._meta.verbose_name}）"
            if write:
                self.stdout.write(
                    f"{label}：已轮换 {tally.rotated}，已是当前密钥 {tally.current}，失败 {len(tally.failed)}"
                )
            else:
                stale += tally.rotated
                self.stdout.write(
                    f"{label}：待轮换 {tally.rotated}，已是当前密钥 {tally.current}，无法解密 {len(tally.failed)}"
                )
            for pk, name in tally.failed:
                self.stderr.write(f"  无法解密：{model._meta.label} 主键 {pk}（字段 {name}），该行未作修改")
        if dry_run and not check:
            self.stdout.write("试运行：未写入任何数据。")
        if failed:
            raise CommandError(f"{failed} 行个人信息无法用现有密钥解密（见上），请核对 PII_ENCRYPTION_KEYS。")
        if check and stale:
            raise CommandError(f"{stale} 行尚未使用第一个密钥加密：请先运行 rotate_pii_keys，再移除旧密钥。")

    def walk(self, model: type[models.Model], fields: list[pii.EncryptedTextField], size: int, write: bool) -> Tally:
        """All rows of ``model`` in primary-key batches; each batch one transaction, rows locked."""
        tally, last = Tally(), None
        columns = raw_columns(fields)
        rows_of = model._base_manager.order_by("pk").annotate(**columns)
        while True:
            with transaction.atomic():
                batch = rows_of if last is None else rows_of.filter(pk__gt=last)
                if write:
                    batch = batch.select_for_update()
                rows = list(batch.values_list("pk", *columns)[:size])
                for pk, *tokens in rows:
                    self.row(model, fields, pk, tokens, tally, write)
            if len(rows) < size:
                return tally
            last = rows[-1][0]

    def row(self, model, fields, pk, tokens: list[str | None], tally: Tally, write: bool) -> None:
        """Rotate one row's stale values, or none of them if one cannot be decrypted."""
        rotated: dict[str, tuple[str, str]] = {}  # attname: (new token, plain text)
        present = False
        for f, token in zip(fields, tokens, strict=True):
            if not token:
                continue
            present = True
            if pii.is_current(token):
                continue
            try:
                rotated[f.attname] = (pii.rotate(token), pii.decrypt(token))
            except pii.UndecryptableError:
                tally.failed.append((pk, f.attname))
                return
        if not present:
            return
        if not rotated:
            tally.current += 1
            return
        if write:
            try:
                self.write(model, fields, pk, rotated)
            except RowNotVerified:
                tally.failed.append((pk, "、".join(rotated)))
                return
        tally.rotated += 1

    def write(self, model, fields, pk, rotated: dict[str, tuple[str, str]]) -> None:
        """Write the new tokens in a savepoint and read them back; roll the row back if they differ."""
        columns = raw_columns([f for f in fields if f.attname in rotated])
        rows = model._base_manager.filter(pk=pk)
        try:
            with transaction.atomic():
                rows.update(**{name: Value(new, output_field=models.TextField()) for name, (new, _) in rotated.items()})
                stored = dict(zip(rotated, rows.annotate(**columns).values_list(*columns).get(), strict=True))
                for name, (_, plain) in rotated.items():
                    if pii.decrypt_current(stored[name]) != plain:
                        raise RowNotVerified
        except pii.UndecryptableError as error:
            raise RowNotVerified from error
