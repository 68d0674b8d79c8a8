"""Turning an app's plain model classes into mapped SQLAlchemy classes with tables `<app>_<model>`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table
from sqlalchemy.orm import registry as Registry
from sqlalchemy.orm import relationship

from . import mutable
from .core import CoreBase, Participant, Session
from .fields import Field, Link, MultiStringField, value_key
from .models import BaseGroup, BasePlayer, BaseSubsession, ExtraModel


def declared_fields(cls: type) -> dict[str, Field]:
    """The fields declared on `cls` and its user-defined bases (base classes' first, as in Python)."""
    fields: dict[str, Field] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Field):
                if value.name is None:
                    # Attached after the class was created (`setattr(Player, f'q{i}', ...)`), so
                    # Python never called __set_name__: name it now, as oTree does.
                    value.__set_name__(klass, name)
                fields[name] = value
    return fields


def declared_links(cls: type) -> dict[str, Link]:
    links: dict[str, Link] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Link):
                links[name] = value
    return links


def _fk(target: Any, nullable: bool = False, ondelete: str = "CASCADE") -> list[ForeignKey]:
    # Passing the Column object (not a "table.id" string) lets app tables live in the
    # project's MetaData while referring to oTree's core tables.
    return [ForeignKey(target, ondelete=ondelete)]


def _field_columns(cls: Any) -> tuple[list[Column[Any]], dict[str, Any]]:
    fields = declared_fields(cls)
    cls._otree_fields = fields
    columns: list[Column[Any]] = []
    properties: dict[str, Any] = {}
    for name, field in fields.items():
        column = field.column(name)
        columns.append(column)
        properties[value_key(name)] = column
    mutable_keys = [value_key(n) for n, f in fields.items() if isinstance(f, MultiStringField)]
    if mutable_keys:
        mutable.track(cls, mutable_keys)
    return columns, properties


class AppTables:
    """The mapped classes and tables of one app."""

    def __init__(self, subsession: type, group: type, player: type, extra_models: list[type]) -> None:
        self.Subsession = subsession
        self.Group = group
        self.Player = player
        self.extra_models = extra_models


def map_app(registry: Registry, metadata: MetaData, app: Any) -> AppTables:
    """Map app.Subsession/Group/Player/extra models; `app` gives name and constants."""
    name = app.name
    S, G, P = app.Subsession, app.Group, app.Player
    for cls in (S, G, P):
        cls._otree_app = app

    s_cols, s_props = _field_columns(S)
    s_table = Table(
        f"{name}_subsession", metadata,
        Column("id", Integer, primary_key=True),
        Column("session_id", Integer, *_fk(Session.__table__.c.id), index=True, nullable=False),
        Column("round_number", Integer, nullable=False),
        *s_cols,
    )
    g_cols, g_props = _field_columns(G)
    g_table = Table(
        f"{name}_group", metadata,
        Column("id", Integer, primary_key=True),
        Column("session_id", Integer, *_fk(Session.__table__.c.id), index=True, nullable=False),
        Column("subsession_id", Integer, *_fk(s_table.c.id), index=True, nullable=False),
        Column("id_in_subsession", Integer, nullable=False),
        Column("round_number", Integer, nullable=False),
        *g_cols,
    )
    p_cols, p_props = _field_columns(P)
    p_table = Table(
        f"{name}_player", metadata,
        Column("id", Integer, primary_key=True),
        Column("session_id", Integer, *_fk(Session.__table__.c.id), index=True, nullable=False),
        Column("subsession_id", Integer, *_fk(s_table.c.id), index=True, nullable=False),
        Column("group_id", Integer, *_fk(g_table.c.id, ondelete="SET NULL"), index=True, nullable=True),
        Column("participant_id", Integer, *_fk(Participant.__table__.c.id), index=True, nullable=False),
        Column("id_in_group", Integer),
        Column("id_in_subsession", Integer, nullable=False),
        Column("round_number", Integer, nullable=False),
        *p_cols,
    )

    registry.map_imperatively(S, s_table, properties={
        **s_props,
        "session": relationship(Session, lazy="joined"),
        "_groups": relationship(G, back_populates="subsession"),
        "_players": relationship(P, back_populates="subsession"),
    })
    registry.map_imperatively(G, g_table, properties={
        **g_props,
        "session": relationship(Session),
        "subsession": relationship(S, back_populates="_groups"),
        "_players": relationship(P, back_populates="group"),
    })
    registry.map_imperatively(P, p_table, properties={
        **p_props,
        "session": relationship(Session),
        "subsession": relationship(S, back_populates="_players"),
        "group": relationship(G, back_populates="_players"),
        "participant": relationship(Participant),
    })
    extras = _map_extra_models(registry, metadata, app)
    return AppTables(S, G, P, extras)


def _map_extra_models(registry: Registry, metadata: MetaData, app: Any) -> list[type]:
    pending = list(app.extra_models)
    mapped: list[type] = []
    # Map link targets first: a Link needs its target's table (models may link to each other).
    while pending:
        progress = False
        for cls in list(pending):
            links = declared_links(cls)
            targets_ready = all(
                getattr(link.to, "__table__", None) is not None or _mapped_table(link.to) is not None
                for link in links.values()
            )
            if not targets_ready:
                continue
            _map_extra_model(registry, metadata, app, cls, links)
            mapped.append(cls)
            pending.remove(cls)
            progress = True
        if not progress:
            names = ", ".join(c.__name__ for c in pending)
            raise TypeError(f"models.Link in {names} points to a class that is not a model of this project")
    return mapped


def _mapped_table(cls: Any) -> Any:
    mapper = getattr(cls, "__mapper__", None)
    return mapper.local_table if mapper is not None else None


def _map_extra_model(registry: Registry, metadata: MetaData, app: Any, cls: Any, links: dict[str, Link]) -> None:
    cls._otree_app = app
    cls._otree_links = links
    cols, props = _field_columns(cls)
    link_cols = []
    for link_name, link in links.items():
        target_table = _mapped_table(link.to)
        link_cols.append(
            Column(f"{link_name}_id", Integer, *_fk(target_table.c.id), index=True, nullable=True)
        )
    table = Table(
        f"{app.name}_{cls.__name__.lower()}", metadata,
        Column("id", Integer, primary_key=True),
        *link_cols,
        *cols,
    )
    for link_name, link in links.items():
        props[link_name] = relationship(link.to, foreign_keys=[table.c[f"{link_name}_id"]])
        # The Link object must not shadow the relationship on the class.
        for klass in cls.__mro__:
            if isinstance(vars(klass).get(link_name), Link):
                delattr(klass, link_name) if klass is cls else None
    registry.map_imperatively(cls, table, properties=props)


def unmap(registry: Registry) -> None:
    """Dispose of a project's mappings, including what they left on the core models' mappers.

    Every many-to-one relationship to a core model (Player.participant, Group.session, ...) adds
    a key-switch check to that model's mapper, which SQLAlchemy keeps after the relationship's
    registry is disposed. A process that loads one project after another (the test suite, or a
    shell reloading) would otherwise run the checks of every project it ever loaded in each
    flush of a participant or session, getting slower with each load.
    """
    registry.dispose()
    for core_mapper in CoreBase.registry.mappers:
        processors = core_mapper._dependency_processors  # SQLAlchemy's own list (no public API removes from it)
        processors[:] = [dp for dp in processors if dp.prop.parent.registry is not registry]


__all__ = ["map_app", "unmap", "declared_fields", "declared_links", "AppTables", "BaseSubsession", "BaseGroup",
           "BasePlayer", "ExtraModel"]

