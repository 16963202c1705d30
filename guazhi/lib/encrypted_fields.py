"""Model fields that keep personal numbers encrypted in the database (`guazhi.lib.field_crypto`)
while the model shows them as plain values: `cadre.id_number` is the number, the column holds
a token. Imports no app.

    id_number = EncryptedCharField("身份证号", max_length=18, context="roster_cadre.id_number")
    id_number_digest = BlindIndexField(source="id_number", unique=True)
    id_number_tail_digest = BlindIndexField(source="id_number", tail=4)

Lookups go through the blind indexes, so the ORM reads as before: `filter(id_number=x)`,
`filter(id_number__in=[...])`, `filter(cadre__id_number=x)`, and `id_number__endswith` with
exactly as many characters as a tail index holds. Any other lookup (contains, ordering by the
number is meaningless too) is refused with FieldError instead of silently matching nothing.

Blind indexes are filled in `pre_save`, so save() and bulk_create() keep them right. Three
paths do not: `save(update_fields=[...])` (add `index_fields_for(...)`, as Cadre.save does),
`bulk_update` and `QuerySet.update` of an encrypted field — none is used on these fields.

Keys (docs/security.md 「静态加密」): GUAZHI_FIELD_KEY or GUAZHI_FIELD_KEY_FILE (outside the
data directory); during a rotation the previous one in GUAZHI_FIELD_KEY_OLD(_FILE), where the
word `development` names the public development key. With no key, that development key is used
and `check --deploy` reports guazhi.roster.E010.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError, models
from django.db.models import Lookup
from django.db.models.expressions import Col

from guazhi.lib.field_crypto import Keyring, index_context
from guazhi.lib.field_sealing import Column, Table
from guazhi.lib.keys import load_secret

DEVELOPMENT_SECRET = b"guazhi-development-field-key-public-do-not-use-in-production"
DEVELOPMENT_WORD = "development"


@lru_cache(maxsize=8)
def _ring(
    value: str, file: str, old_value: str, old_file: str, data_dir: str
) -> tuple[Keyring, bool]:
    forbidden = (Path(data_dir),)
    current = load_secret(
        value=value,
        file=file or None,
        env_name="GUAZHI_FIELD_KEY",
        file_env_name="GUAZHI_FIELD_KEY_FILE",
        forbidden_dirs=forbidden,
    )
    if old_value.strip() == DEVELOPMENT_WORD:
        old: bytes | None = DEVELOPMENT_SECRET
    else:
        old = load_secret(
            value=old_value,
            file=old_file or None,
            env_name="GUAZHI_FIELD_KEY_OLD",
            file_env_name="GUAZHI_FIELD_KEY_OLD_FILE",
            forbidden_dirs=forbidden,
        )
    development = current is None
    return Keyring(current or DEVELOPMENT_SECRET, old=[old] if old else []), development


def _configured() -> tuple[Keyring, bool]:
    return _ring(
        getattr(settings, "GUAZHI_FIELD_KEY", ""),
        str(getattr(settings, "GUAZHI_FIELD_KEY_FILE", "") or ""),
        getattr(settings, "GUAZHI_FIELD_KEY_OLD", ""),
        str(getattr(settings, "GUAZHI_FIELD_KEY_OLD_FILE", "") or ""),
        str(settings.DATA_DIR),
    )


def keyring() -> Keyring:
    """The configured keys; raises KeyConfigError (Chinese) when they are misconfigured."""
    return _configured()[0]


def uses_development_key() -> bool:
    return _configured()[1]


class EncryptedCharField(models.CharField):  # type: ignore[type-arg]
    """A short text stored as an AES-GCM token (a text column); `max_length` bounds the plain
    value. `context` ("table.column") is bound into every token: keep it when renaming."""

    def __init__(self, *args: Any, context: str, **kwargs: Any) -> None:
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return keyring().decrypt(value, self.context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return keyring().encrypt(str(value), self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name in _BLIND_LOOKUPS:
            return _BLIND_LOOKUPS[lookup_name]
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def index_field(self, tail: int = 0) -> BlindIndexField | None:
        for f in self.model._meta.concrete_fields:
            if isinstance(f, BlindIndexField) and f.source == self.name and f.tail == tail:
                return f
        return None


class EncryptedJSONField(models.TextField):  # type: ignore[type-arg]
    """A JSON document stored as one AES-GCM token (e.g. the rows of a roster import waiting
    for its commit). No lookups but isnull: nothing inside is searchable."""

    if TYPE_CHECKING:  # a JSON value in Python, whatever the text column holds
        _pyi_private_set_type: Any
        _pyi_private_get_type: Any

    def __init__(self, *args: Any, context: str, **kwargs: Any) -> None:
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        plain = keyring().decrypt(value, self.context)
        return json.loads(plain) if plain else None

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return keyring().encrypt(json.dumps(value, ensure_ascii=False), self.context)

    def get_lookup(self, lookup_name: str) -> Any:
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """HMAC of the `source` field's value (or of its last `tail` characters), computed on save.
    NULL for a blank value, so a unique index allows any number of blanks."""

    def __init__(self, *args: Any, source: str, tail: int = 0, **kwargs: Any) -> None:
        self.source = source
        self.tail = tail
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.tail:
            kwargs["tail"] = self.tail
        for key, default in (("max_length", 32), ("null", True), ("blank", True)):
            if kwargs.get(key) == default:
                del kwargs[key]
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    @property
    def index_context(self) -> str:
        source = self.model._meta.get_field(self.source)
        assert isinstance(source, EncryptedCharField)
        return index_context(source.context, self.tail)

    def _cut(self, value: str) -> str:
        return value[-self.tail :] if self.tail else value

    def digest(self, value: str | None) -> str | None:
        """What to store for `value` (under the current key)."""
        if not value:
            return None
        return keyring().index(self._cut(value), self.index_context)

    def digests(self, values: Iterable[str]) -> list[str]:
        """What to look for: each value's digest under every loaded key."""
        ring, context = keyring(), self.index_context
        found: list[str] = []
        for value in values:
            if value:
                found.extend(ring.indexes(self._cut(value), context))
        return found

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.digest(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def index_fields_for(model: type[models.Model], names: Iterable[str]) -> set[str]:
    """The blind index fields to save along with `names` (for save(update_fields=...))."""
    names = set(names)
    return {
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, BlindIndexField) and f.source in names
    }


class _BlindLookup(Lookup):  # type: ignore[type-arg]
    """Compares the blind index column instead of the token column."""

    prepare_rhs = False
    tail = 0

    def get_prep_lookup(self) -> Any:
        return self.rhs

    def values(self) -> list[str]:
        return [str(self.rhs)]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if not isinstance(self.lhs, Col) or hasattr(self.rhs, "resolve_expression"):
            raise NotSupportedError("加密字段只能与给定的值比较。")
        field = self.lhs.target
        assert isinstance(field, EncryptedCharField)
        values = self.values()
        if self.lookup_name == "exact" and values == [""]:
            lhs_sql, params = compiler.compile(self.lhs)
            return f"{lhs_sql} = %s", [*params, ""]
        index = field.index_field(tail=self.tail_for(values))
        if index is None:
            raise NotSupportedError(f"{field.model.__name__}.{field.name} 不支持该查询。")
        digests = index.digests(values)
        if not digests:
            raise EmptyResultSet
        col_sql, params = compiler.compile(Col(self.lhs.alias, index))
        # A blank value has a NULL digest: "IS NOT NULL" keeps exclude() from dropping it
        # (NOT (NULL IN …) is NULL, not true).
        placeholders = ", ".join(["%s"] * len(digests))
        sql = f"({col_sql} IN ({placeholders}) AND {col_sql} IS NOT NULL)"
        return sql, [*params, *digests, *params]

    def tail_for(self, values: list[str]) -> int:
        return 0


class _BlindExact(_BlindLookup):
    lookup_name = "exact"


class _BlindIn(_BlindLookup):
    lookup_name = "in"

    def values(self) -> list[str]:
        if isinstance(self.rhs, (str, bytes)) or not isinstance(self.rhs, Iterable):
            raise NotSupportedError("in 查询需要一组值。")
        return [str(v) for v in self.rhs if v is not None]


class _BlindEndswith(_BlindLookup):
    """Only with exactly a tail index's length: "ends with these 4 digits"."""

    lookup_name = "endswith"

    def tail_for(self, values: list[str]) -> int:
        return len(values[0])


_BLIND_LOOKUPS: dict[str, type[_BlindLookup]] = {
    cls.lookup_name: cls for cls in (_BlindExact, _BlindIn, _BlindEndswith)
}


def encrypted_tables(model_classes: Iterable[type[models.Model]]) -> list[Table]:
    """The encrypted columns of these models with their blind indexes, for whole-table passes
    (`rotate_field_key`)."""
    tables: list[Table] = []
    for model in model_classes:
        fields = model._meta.concrete_fields
        columns = tuple(
            Column(
                str(f.column),
                f.context,
                tuple(
                    (str(g.column), g.tail)
                    for g in fields
                    if isinstance(g, BlindIndexField) and g.source == f.name
                ),
            )
            for f in fields
            if isinstance(f, (EncryptedCharField, EncryptedJSONField))
        )
        if columns:
            batch = 20 if any(isinstance(f, EncryptedJSONField) for f in fields) else 500
            tables.append(Table(model._meta.db_table, columns, batch=batch))
    return tables
