"""Inserting many rows that nobody reads back (link rows, log entries, index rows) cheaply.

``QuerySet.bulk_create`` builds a model instance per row and compiles every value of every row
into one long SQL statement per batch (on SQLite at most 999 parameters, some 25 rows of a wide
model): for the tens of thousands of rows a 10,000-matter import writes, that was a third of its
CPU. ``insert_rows`` takes plain values, prepares each with its field (``get_db_prep_save``, as
Django's compiler does) and sends one single-row ``INSERT`` through ``executemany``: the
database driver repeats it in C (SQLite) or pipelines it (psycopg 3).

Like ``bulk_create`` it sends no signals and calls no ``save()``; unlike it, the primary keys
are not returned, so it is for rows whose ids the caller does not need.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from functools import cache

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRel
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models.base import ModelState
from django.db.models.constants import OnConflict
from django.db.models.expressions import DatabaseDefault
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import (
    ClusterableModel,
    get_all_child_m2m_relations,
    get_all_child_relations,
    get_field_value,
)

BATCH = 5000
_MISSING = object()


def insert_rows(model, rows: Iterable[Mapping[str, object]], *, ignore_conflicts: bool = False) -> int:
    """INSERT one row per mapping of field attnames (``matter_id``, not ``matter``) to Python
    values (``vars(instance)`` of an unsaved instance will do); a field left out gets its default,
    and ``auto_now``/``auto_now_add`` fields left out or ``None`` get now. With
    ``ignore_conflicts`` rows that break a unique constraint are skipped, as ``bulk_create(...,
    ignore_conflicts=True)`` does. Returns how many rows were sent."""
    opts = model._meta
    fields = [f for f in opts.concrete_fields if f is not opts.auto_field]  # the database numbers the rows
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = lambda now=now: now
        elif f.has_default() and callable(f.default):
            defaults[f.attname] = f.default  # called for each row (uuid4, dict …)
        else:
            value = f.get_default()
            defaults[f.attname] = lambda value=value: value
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    ops = connection.ops
    sql = "{} {} ({}) VALUES ({}) {}".format(
        ops.insert_statement(on_conflict=on_conflict),
        ops.quote_name(opts.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        ops.on_conflict_suffix_sql(fields, on_conflict, None, None) or "",
    ).rstrip()
    stamped = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    prepared = [
        (f.attname, f, defaults[f.attname], _unchanged_types(f), f.attname in stamped, _remembered_types(f), {})
        for f in fields
    ]
    count = 0
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = []
            for name, f, default, plain, stamp, repeated, seen in prepared:
                value = row.get(name, _MISSING)
                if value is _MISSING or (stamp and value is None):
                    value = default()
                kind = type(value)
                if kind in plain:
                    values.append(value)
                elif kind in repeated:  # the same time stamp on every row of a batch: prepared once
                    try:
                        values.append(seen[value])
                    except KeyError:
                        values.append(seen.setdefault(value, f.get_db_prep_save(value, connection)))
                else:
                    values.append(f.get_db_prep_save(value, connection))
            batch.append(tuple(values))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


_TEXT = (models.CharField, models.TextField, models.SlugField)
_INTEGER = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
)


def _unchanged_types(field) -> frozenset[type]:
    """The value types ``field.get_db_prep_save`` hands back as they are: a ``str`` for text, an
    ``int`` for integers and keys to them, a ``bool`` for booleans, ``None`` for all of these.
    Only Django's own classes (a subclass may encrypt or convert); the rest (dates, JSON,
    decimals, UUIDs …) always go through the field."""
    target = field
    if field.is_relation:
        if (
            not isinstance(field, models.ForeignKey)
            or type(field).get_db_prep_save is not models.ForeignKey.get_db_prep_save
        ):
            return frozenset()
        target = field.target_field
    kind = type(target)
    if kind in _TEXT:
        return frozenset({str, type(None)})
    if kind in _INTEGER:
        return frozenset({int, type(None)})
    if kind is models.BooleanField:
        return frozenset({bool, type(None)})
    return frozenset()


def _remembered_types(field) -> frozenset[type]:
    """The value types whose prepared form ``insert_rows`` keeps per value: dates and times of
    Django's own date and time fields (equal values, even in other time zones, are the same
    instant and prepare alike)."""
    if type(field) is models.DateTimeField:
        return frozenset({datetime.datetime})
    if type(field) is models.DateField:
        return frozenset({datetime.date})
    return frozenset()


# ---- building many unsaved objects ---------------------------------------------------------


def new_instance(model, **values):
    """``model(**values)`` for building many unsaved objects: the same instance, made by copying
    the model's field defaults instead of asking every field for its default (``Model.__init__``
    calls ``get_default`` on each of a wide model's fields: an import of 10,000 matters built
    60,000 objects and spent a fifth of its planning there). ``values`` are set as attributes,
    so keys, related objects and modelcluster's child lists go through their descriptors as
    the constructor's keywords do. Models with ``pre_init``/``post_init`` receivers take the
    constructor; an unexpected keyword is a ``TypeError``, as there."""
    blank = _blank(model)
    if blank is None or pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model(**values)
    defaults, fresh, accepted = blank
    unexpected = values.keys() - accepted
    if unexpected:
        raise TypeError(f"{model.__name__}() got unexpected keyword arguments: {', '.join(sorted(unexpected))}")
    obj = model.__new__(model)
    state = obj.__dict__
    state.update(defaults)
    for f in fresh:
        state[f.attname] = f.get_default()
    obj._state = ModelState()
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


@cache
def _blank(model) -> tuple[dict, tuple, frozenset] | None:
    """A new instance's field values that can be shared (constants), the fields whose default is
    made anew each time (callables, database defaults) and the keywords the constructor accepts
    (fields by name and attname, properties, modelcluster's child relations); ``None`` for a
    model with fields the constructor treats otherwise."""
    defaults, fresh = {}, []
    accepted = set(model._meta._property_names)
    for f in model._meta.concrete_fields:
        if f.generated:
            return None
        accepted.update((f.name, f.attname))
        if f.has_db_default() or (f.has_default() and callable(f.default)):
            fresh.append(f)
        else:
            defaults[f.attname] = f.get_default()
    if issubclass(model, ClusterableModel):
        children, _serialised_m2m = _cluster_plan(model)
        accepted.update(name for name, _ in children)
        accepted.update(fld.name for fld in get_all_child_m2m_relations(model))
    return defaults, tuple(fresh), frozenset(accepted)


# ---- validating many objects whose fields repeat the same values ---------------------------


class FieldCleaner:
    """``Model.full_clean`` for many objects of a few models whose field values repeat (a
    workbook's yes/no columns, types and vocabulary terms), remembering each field's verdict on
    each value.

    ``full_clean`` runs every field's ``clean`` (``to_python``, choices, blank, ``max_length``
    and the other validators) on every object: a 10,000-matter import spent about a tenth of its
    time there. For Django's own non-relational fields none of that depends on the instance, so
    the cleaned value or the errors for a value are the same each time; other fields (relations,
    encrypted, rich text, stream fields) and unhashable values take Django's path every time.
    ``clean()``, unique and constraint checks run as Django runs them. One cleaner per job: it
    keeps every distinct value it saw.
    """

    def __init__(self) -> None:
        self._verdicts: dict[tuple, tuple[bool, object]] = {}

    def full_clean(self, obj, exclude=(), validate_unique: bool = True, validate_constraints: bool = True) -> None:
        """``obj.full_clean(exclude, validate_unique, validate_constraints)``, the same errors."""
        exclude = set(exclude)
        errors: dict = {}
        try:
            self.clean_fields(obj, exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        try:
            obj.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        failed = {name for name in errors if name != "__all__"}
        if validate_unique:
            try:
                obj.validate_unique(exclude=exclude | failed)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if validate_constraints:
            failed = {name for name in errors if name != "__all__"}
            try:
                obj.validate_constraints(exclude=exclude | failed)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean_fields(self, obj, exclude=()) -> None:
        """``obj.clean_fields(exclude)``, each pure field's verdict on a value looked up."""
        errors = {}
        verdicts = self._verdicts
        for f, pure in _clean_plan(type(obj)):
            if f.name in exclude:
                continue
            raw = getattr(obj, f.attname)
            if f.blank and raw in f.empty_values:
                continue
            if isinstance(raw, DatabaseDefault):
                continue
            key = None
            if pure:
                try:
                    key = (f, type(raw), raw)
                    verdict = verdicts.get(key)
                except TypeError:  # an unhashable value: Django's path
                    key = verdict = None
                if verdict is not None:
                    ok, value = verdict
                    if ok:
                        setattr(obj, f.attname, value)
                    else:
                        errors[f.name] = value
                    continue
            try:
                value = f.clean(raw, obj)
            except ValidationError as exc:
                errors[f.name] = exc.error_list
                if key is not None:
                    verdicts[key] = (False, exc.error_list)
            else:
                setattr(obj, f.attname, value)
                if key is not None:
                    verdicts[key] = (True, value)
        if errors:
            raise ValidationError(errors)


@cache
def _clean_plan(model) -> tuple:
    """The fields ``clean_fields`` looks at, each with whether its verdict on a value can be
    remembered (Django's own class, no relation, ``clean`` not overridden)."""
    plan = []
    for f in model._meta.fields:
        if f.generated:
            continue
        pure = (
            not f.is_relation
            and type(f).__module__ == "django.db.models.fields"
            and type(f).clean is models.Field.clean
        )
        plan.append((f, pure))
    return tuple(plan)


# ---- revision content without the per-field detour -----------------------------------------


def serializable_data(obj) -> dict:
    """``obj.serializable_data()`` as modelcluster makes it (a revision's content: the fields,
    the inline children, the ParentalManyToMany keys), the same dict, for objects created in bulk.

    modelcluster asks every field for ``pre_save``, ``is_protected_type`` and ``value_to_string``
    (a 10,000-matter import spent 5 s of CPU there): a text field holding text, or any field
    holding ``None``, a number or a boolean, gives its value as it is; everything else (dates,
    choices of other types, fields that change a value on save) still goes through modelcluster.
    """
    data = _fields_data(obj)
    children_plan, m2m_names = _cluster_plan(type(obj))
    for name, own_method in children_plan:
        children = getattr(obj, name).all()
        if own_method:
            data[name] = [child.serializable_data() for child in children]
        else:
            data[name] = [_fields_data(child) for child in children]
    for name in m2m_names:
        data[name] = [child.pk for child in getattr(obj, name).all()]
    return data


@cache
def _cluster_plan(model) -> tuple[tuple, tuple]:
    """The model's child relations (accessor name, whether the child serialises itself) and its
    serialised ParentalManyToMany fields, as modelcluster finds them on each call."""
    children = tuple(
        (rel.get_accessor_name(), hasattr(rel.related_model, "serializable_data"))
        for rel in get_all_child_relations(model)
    )
    return children, tuple(fld.name for fld in get_all_child_m2m_relations(model) if fld.serialize)


def _fields_data(obj) -> dict:
    pk_field, plan = _field_plan(type(obj))
    data = {"pk": get_field_value(pk_field, obj)}
    for name, attname, fld, kind in plan:
        if kind == _RELATION:
            data[name] = getattr(obj, attname)
            continue
        value = getattr(obj, attname)
        if kind != _OTHER and (type(value) in _AS_IS or (kind == _TEXT_FIELD and type(value) is str)):
            data[name] = value
        else:
            data[name] = get_field_value(fld, obj)
    return data


_RELATION, _TEXT_FIELD, _PLAIN, _OTHER = "relation", "text", "plain", "other"
_AS_IS = frozenset({type(None), int, bool, float})


@cache
def _field_plan(model) -> tuple:
    """The model's serialised fields and how each is read (by class: fields do not change)."""
    pk_field = model._meta.pk
    while pk_field.remote_field and pk_field.remote_field.parent_link:
        pk_field = pk_field.remote_field.model._meta.pk
    plan = []
    for fld in model._meta.fields:
        if not fld.serialize:
            continue
        if fld.remote_field is not None:
            kind = _RELATION
        elif type(fld).pre_save is not models.Field.pre_save:
            kind = _OTHER  # auto_now and the like: modelcluster's own path
        elif isinstance(fld, _TEXT) and type(fld).value_to_string is models.Field.value_to_string:
            kind = _TEXT_FIELD
        else:
            kind = _PLAIN
        plan.append((fld.name, fld.attname, fld, kind))
    return pk_field, tuple(plan)


# ---- reference-index rows without the per-field detour -------------------------------------


def references(obj) -> set[tuple[int, str, str, str]]:
    """What Wagtail's ``ReferenceIndex._extract_references_from_object`` finds in ``obj`` (its
    foreign keys, the references inside rich text and stream fields, the same in its inline
    children), as a set of ``(to_content_type_id, to_object_id, model_path, content_path)``.

    Wagtail decides for every field of every object and child whether it can hold a reference
    (some 160 attribute checks per matter with three materials); which fields can is a fact of
    the model, decided here once per model. A model with a generic foreign key takes Wagtail's
    own path.
    """
    from wagtail.models import ReferenceIndex  # here: core.bulk is imported while models load

    plan = _reference_plan(type(obj))
    if plan is None:
        return set(ReferenceIndex._extract_references_from_object(obj))
    found: set[tuple[int, str, str, str]] = set()
    fks, extractors, children = plan
    for fld, to_content_type_id in fks:
        value = getattr(obj, fld.attname)
        if value is not None:
            found.add((to_content_type_id, str(value), fld.name, fld.name))
    for fld in extractors:
        value = fld.value_from_object(obj)
        if value is not None:
            for to_model, to_object_id, model_path, content_path in fld.extract_references(value):
                found.add(
                    (
                        ReferenceIndex._get_base_content_type(to_model).id,
                        to_object_id,
                        f"{fld.name}.{model_path}",
                        f"{fld.name}.{content_path}",
                    )
                )
    for name in children:
        for child in getattr(obj, name).all():
            for to_content_type_id, to_object_id, model_path, content_path in references(child):
                found.add(
                    (to_content_type_id, to_object_id, f"{name}.item.{model_path}", f"{name}.{child.pk}.{content_path}")
                )
    return found


@cache
def _reference_plan(model) -> tuple | None:
    """(foreign keys with their target's content type id, fields that extract references, child
    relation names) — the fields Wagtail's extraction would look at, with its own tests."""
    from wagtail.models import ReferenceIndex

    fks, extractors = [], []
    for fld in model._meta.get_fields():
        if fld.is_relation and fld.many_to_one:
            if isinstance(fld, GenericForeignKey):
                return None
            if (
                getattr(fld, "wagtail_reference_index_ignore", False)
                or getattr(fld.related_model, "wagtail_reference_index_ignore", False)
                or isinstance(fld, ParentalKey | GenericRel)
            ):
                continue
            fks.append((fld, ReferenceIndex._get_base_content_type(fld.related_model).id))
        if hasattr(fld, "extract_references"):
            extractors.append(fld)
    children = []
    if issubclass(model, ClusterableModel):
        children = [rel.get_accessor_name() for rel in get_all_child_relations(model)]
    return tuple(fks), tuple(extractors), tuple(children)
