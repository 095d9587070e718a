"""ML Metadata lineage: record what ran on which data, then trace any artifact's history.

ML Metadata (MLMD) stores *artifacts* (datasets, statistics, schemas, models: a type, a URI and
properties), *executions* (runs of a component) and *events* linking them (this execution read
that artifact, wrote this one), grouped by *contexts* (a pipeline, a run, an experiment). That
graph answers "which data trained this model?" and "what did this bad dataset affect?" (C2W3,
*Data journey*). TFX writes the same graph for every pipeline run, so :class:`LineageStore`
reads a TFX pipeline's store as well as one you record by hand.

The store is SQLite by default (a file, or in memory). For a shared store, MLMD speaks MySQL:
pass ``connection=mysql_connection(host=..., database=..., user=..., password=...)``.

Examples
--------
>>> store = LineageStore()                                  # in memory
>>> raw = store.record_artifact("Dataset", "data/raw.csv", name="raw")
>>> clean = store.record_artifact("Dataset", "data/clean.csv", name="clean")
>>> _ = store.record_execution("Cleaner", inputs={"raw": [raw]}, outputs={"clean": [clean]})
>>> [a.name for a in store.parents(clean)]
['raw']
>>> [a.name for a in store.children(raw)]
['clean']
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from mlep._checks import count, foreign, instance, one_of, text
from mlep.exceptions import MlepError

__all__ = ["LineageError", "LineageStore", "mysql_connection"]

PROPERTY_TYPES = {str: "STRING", int: "INT", float: "DOUBLE"}


class LineageError(MlepError, ValueError):
    """A lineage request that cannot be answered, with what to change."""


def _proto():
    from ml_metadata.proto import metadata_store_pb2

    return metadata_store_pb2


def mysql_connection(*, host: str, database: str, user: str, password: str = "", port: int = 3306):
    """An MLMD ``ConnectionConfig`` for a MySQL server (for a store shared by several machines)."""
    config = _proto().ConnectionConfig()
    config.mysql.host, config.mysql.port = host, port
    config.mysql.database, config.mysql.user, config.mysql.password = database, user, password
    return config


def _sqlite_connection(path: str | Path | None):
    config = _proto().ConnectionConfig()
    if path is None:
        config.fake_database.SetInParent()  # in memory
        return config
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    config.sqlite.filename_uri = str(path)
    config.sqlite.connection_mode = config.sqlite.READWRITE_OPENCREATE
    return config


def _value(value_proto) -> Any:
    kind = value_proto.WhichOneof("value")
    return getattr(value_proto, kind) if kind else None


class LineageStore:
    """An ML Metadata store with helpers to record and query lineage.

    Parameters
    ----------
    path : SQLite file (created if missing; an existing TFX ``metadata.sqlite`` works), or
        ``None`` for an in-memory store.
    connection : a ready ``ConnectionConfig`` instead of ``path`` (e.g. :func:`mysql_connection`).
    """

    def __init__(self, path: str | Path | None = None, *, connection: Any = None):
        from ml_metadata.metadata_store import metadata_store

        if path is not None and connection is not None:
            raise LineageError("give either a SQLite path or a connection, not both")
        if path is not None:
            instance(
                path, (str, os.PathLike), "path", "a SQLite file path (str or pathlib.Path) or None"
            )
            if Path(path).is_dir():
                raise LineageError(f"path must be a SQLite file, but {path} is a folder")
        self.path = None if path is None else Path(path)
        try:
            self.store = metadata_store.MetadataStore(connection or _sqlite_connection(path))
        except RuntimeError as error:  # MLMD reports a non-database file this way
            raise foreign(
                error,
                f"path must be an ML Metadata SQLite store, but {path} could not be opened",
                "point it at a metadata.sqlite written by MLMD or TFX, or at a new file",
                LineageError,
            ) from error

    # -- recording ------------------------------------------------------------------------

    def _type(self, kind: str, name: str, properties: Mapping[str, Any]):
        pb = _proto()
        proto_cls = {
            "artifact": pb.ArtifactType,
            "execution": pb.ExecutionType,
            "context": pb.ContextType,
        }[kind]
        put = getattr(self.store, f"put_{kind}_type")
        type_ = proto_cls(name=name)
        for key, value in properties.items():
            type_.properties[key] = getattr(pb, PROPERTY_TYPES.get(type(value), "STRING"))
        from ml_metadata import errors

        try:  # a type grows as new properties appear; artifacts may omit some
            return put(type_, can_add_fields=True, can_omit_fields=True)
        except errors.AlreadyExistsError as error:
            raise LineageError(
                f"{kind} type {name!r} already stores a property with another value type; "
                f"keep each property's type (str, int or float) the same: {error}"
            ) from None

    @staticmethod
    def _set_properties(node, properties: Mapping[str, Any]) -> None:
        for key, value in properties.items():
            target = node.properties[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                target.string_value = str(value)
            elif isinstance(value, int):
                target.int_value = value
            else:
                target.double_value = value

    def record_artifact(
        self, type_name: str, uri: str, *, name: str | None = None, **properties: Any
    ):
        """Store an artifact of ``type_name`` at ``uri`` and return it (an MLMD ``Artifact``)."""
        text(type_name, "type_name")
        instance(uri, (str, Path), "uri", "a string or a pathlib.Path")
        if name is not None:
            instance(name, str, "name", "a string or None")
        _check_properties(properties)
        type_id = self._type("artifact", type_name, properties)
        artifact = _proto().Artifact(type_id=type_id, uri=str(uri), state=_proto().Artifact.LIVE)
        if name:
            artifact.name = name
        self._set_properties(artifact, properties)
        [artifact.id] = self.store.put_artifacts([artifact])
        return artifact

    def record_execution(
        self,
        type_name: str,
        *,
        inputs: Mapping[str, Sequence[Any]] | None = None,
        outputs: Mapping[str, Sequence[Any]] | None = None,
        contexts: Iterable[Any] = (),
        **properties: Any,
    ):
        """Store a completed execution with INPUT/OUTPUT events to the given artifacts.

        ``inputs`` and ``outputs`` map a role name (``"examples"``, ``"schema"``) to artifacts
        that :meth:`record_artifact` returned; ``contexts`` (from :meth:`context`) group it.
        """
        pb = _proto()
        text(type_name, "type_name")
        _check_properties(properties)
        pairs = []
        for label, role_map, kind in (
            ("inputs", inputs, pb.Event.INPUT),
            ("outputs", outputs, pb.Event.OUTPUT),
        ):
            if role_map is None:
                continue
            instance(role_map, Mapping, label, "a dict of role name -> list of artifacts")
            for role, artifacts in role_map.items():
                text(role, f"{label} role name")
                if not isinstance(artifacts, (list, tuple)):
                    raise TypeError(
                        f"{label}[{role!r}] must be a list of artifacts, but got a "
                        f"{type(artifacts).__name__}; wrap a single artifact in a list"
                    )
                for index, artifact in enumerate(artifacts):
                    # the stored copy: MLMD would overwrite the stored artifact with a given one
                    stored = self._own_artifact(artifact, f"{label}[{role!r}][{index}]")
                    event = pb.Event(type=kind)
                    event.path.steps.add().key = role
                    event.path.steps.add().index = index
                    pairs.append((stored, event))
        if isinstance(contexts, (str, bytes)):
            raise TypeError("contexts must be a list of contexts from context(), but got a string")
        contexts = [self._own_context(c, f"contexts[{i}]") for i, c in enumerate(contexts)]
        type_id = self._type("execution", type_name, properties)
        execution = pb.Execution(type_id=type_id, last_known_state=pb.Execution.COMPLETE)
        self._set_properties(execution, properties)
        execution.id, _, _ = self.store.put_execution(execution, pairs, contexts)
        return execution

    def _own_artifact(self, artifact: Any, what: str):
        """The stored artifact ``artifact`` stands for; refuses one of another store."""
        pb = _proto()
        instance(artifact, pb.Artifact, what, "an artifact returned by record_artifact()")
        if not artifact.id:
            raise LineageError(
                f"{what} must be stored first: record the artifact with record_artifact() before "
                f"using it, but it has no id"
            )
        found = self.store.get_artifacts_by_id([artifact.id])
        stored = found[0] if found else None
        if stored is None or (stored.type_id, stored.uri, stored.name) != (
            artifact.type_id,
            artifact.uri,
            artifact.name,
        ):
            here = "no artifact" if stored is None else f"{stored.uri!r}"
            raise LineageError(
                f"{what} must be an artifact of this store, but got {artifact.uri!r} with id "
                f"{artifact.id}, and this store's id {artifact.id} is {here}; it comes from "
                f"another store: record it here with record_artifact()"
            )
        return stored

    def _own_context(self, context: Any, what: str):
        pb = _proto()
        instance(context, pb.Context, what, "a context returned by context()")
        found = self.store.get_contexts_by_id([context.id]) if context.id else []
        if not found or (found[0].type_id, found[0].name) != (context.type_id, context.name):
            raise LineageError(
                f"{what} must be a context of this store, but {context.name!r} is not one; "
                f"get it from this store's context()"
            )
        return found[0]

    def context(self, type_name: str, name: str):
        """The context ``name`` of ``type_name`` (e.g. an experiment), created on first use."""
        text(type_name, "type_name")
        text(name, "name")
        existing = self.store.get_context_by_type_and_name(type_name, name)
        if existing is not None:
            return existing
        context = _proto().Context(type_id=self._type("context", type_name, {}), name=name)
        [context.id] = self.store.put_contexts([context])
        return context

    # -- reading --------------------------------------------------------------------------

    def _type_names(self) -> dict[int, str]:
        return {t.id: t.name for t in self.store.get_artifact_types()}

    def artifacts(self, type_name: str | None = None) -> pd.DataFrame:
        """All artifacts (or those of ``type_name``): id, type, name, uri and properties."""
        names = self._type_names()
        if type_name is not None and type_name not in names.values():
            known = ", ".join(sorted(set(names.values()))) or "none yet"
            raise LineageError(f"no artifact type {type_name!r} in this store; types: {known}")
        found = (
            self.store.get_artifacts_by_type(type_name) if type_name else self.store.get_artifacts()
        )
        return pd.DataFrame(
            [
                {
                    "id": a.id,
                    "type": names[a.type_id],
                    "name": a.name,
                    "uri": a.uri,
                    **{k: _value(v) for k, v in a.properties.items()},
                    **{k: _value(v) for k, v in a.custom_properties.items() if k == "split_names"},
                }
                for a in found
            ],
            columns=None if found else ["id", "type", "name", "uri"],
        )

    def executions(self) -> pd.DataFrame:
        """All executions: id, type, state, and the ids of the artifacts each read and wrote."""
        types = {t.id: t.name for t in self.store.get_execution_types()}
        rows = []
        for execution in self.store.get_executions():
            events = self.store.get_events_by_execution_ids([execution.id])
            rows.append(
                {
                    "id": execution.id,
                    "type": types[execution.type_id],
                    "state": _proto().Execution.State.Name(execution.last_known_state),
                    "inputs": sorted(
                        e.artifact_id for e in events if e.type == _proto().Event.INPUT
                    ),
                    "outputs": sorted(e.artifact_id for e in events if _is_output(e)),
                }
            )
        return pd.DataFrame(rows, columns=["id", "type", "state", "inputs", "outputs"])

    def artifact(self, artifact_id: int):
        """The artifact with ``artifact_id``."""
        instance(artifact_id, numbers.Integral, "artifact_id", "an integer id")
        found = self.store.get_artifacts_by_id([int(artifact_id)])
        if not found:
            raise LineageError(f"no artifact with id {artifact_id} in this store")
        return found[0]

    def _id(self, artifact: Any) -> int:
        """The id of an artifact of this store, given as the artifact or its id."""
        if isinstance(artifact, _proto().Artifact):
            return self._own_artifact(artifact, "artifact").id
        instance(
            artifact, numbers.Integral, "artifact", "an artifact of this store or its integer id"
        )
        return int(artifact)

    def parents(self, artifact: Any) -> list:
        """The artifacts read by the execution(s) that wrote ``artifact`` (artifact or its id)."""
        artifact_id = self._id(artifact)
        self.artifact(artifact_id)
        writers = [
            e.execution_id
            for e in self.store.get_events_by_artifact_ids([artifact_id])
            if _is_output(e)
        ]
        read = [
            e.artifact_id
            for e in self.store.get_events_by_execution_ids(writers)
            if e.type == _proto().Event.INPUT
        ]
        return self.store.get_artifacts_by_id(sorted(set(read))) if read else []

    def children(self, artifact: Any) -> list:
        """The artifacts written by the execution(s) that read ``artifact`` (artifact or its id)."""
        artifact_id = self._id(artifact)
        self.artifact(artifact_id)
        readers = [
            e.execution_id
            for e in self.store.get_events_by_artifact_ids([artifact_id])
            if e.type == _proto().Event.INPUT
        ]
        written = [
            e.artifact_id for e in self.store.get_events_by_execution_ids(readers) if _is_output(e)
        ]
        return self.store.get_artifacts_by_id(sorted(set(written))) if written else []

    def lineage(
        self, artifact: Any, *, direction: str = "upstream", depth: int = 10
    ) -> pd.DataFrame:
        """Every artifact ``depth`` steps up (its ancestors) or down (its descendants) the graph.

        Returns a table of ``id, type, name, uri, distance``, nearest first.
        """
        try:
            one_of(direction, ("upstream", "downstream"), "direction")
        except ValueError as error:
            raise LineageError(str(error)) from None
        count(depth, "depth", minimum=1)
        step = self.parents if direction == "upstream" else self.children
        names = self._type_names()
        seen, frontier, rows = {self._id(artifact)}, [self._id(artifact)], []
        for distance in range(1, depth + 1):
            found = [a for current in frontier for a in step(current) if a.id not in seen]
            for a in found:
                if a.id not in seen:
                    seen.add(a.id)
                    rows.append(
                        {
                            "id": a.id,
                            "type": names[a.type_id],
                            "name": a.name,
                            "uri": a.uri,
                            "distance": distance,
                        }
                    )
            frontier = [a.id for a in found]
            if not frontier:
                break
        return pd.DataFrame(rows, columns=["id", "type", "name", "uri", "distance"])

    def plot(self, artifact: Any = None):
        """The lineage graph (artifacts as boxes, executions as ellipses) as a matplotlib figure.

        With ``artifact``, only its ancestors and descendants are drawn.
        """
        import matplotlib.pyplot as plt
        import networkx as nx

        names = self._type_names()
        exec_types = {t.id: t.name for t in self.store.get_execution_types()}
        keep = None
        if artifact is not None:
            keep = {self._id(artifact)}
            for direction in ("upstream", "downstream"):
                keep |= set(self.lineage(artifact, direction=direction)["id"])
        graph = nx.DiGraph()
        for execution in self.store.get_executions():
            events = self.store.get_events_by_execution_ids([execution.id])
            if keep is not None and not {e.artifact_id for e in events} & keep:
                continue
            node = f"x{execution.id}"
            # TFX names types by their Python path; the class name is what people recognise
            graph.add_node(
                node, label=exec_types[execution.type_id].rsplit(".", 1)[-1], kind="execution"
            )
            for event in events:
                if keep is not None and event.artifact_id not in keep:
                    continue
                a = self.artifact(event.artifact_id)
                graph.add_node(
                    f"a{a.id}", label=f"{names[a.type_id]}\n{a.name or a.id}", kind="artifact"
                )
                edge = (
                    (f"a{a.id}", node) if event.type == _proto().Event.INPUT else (node, f"a{a.id}")
                )
                graph.add_edge(*edge)
        if not graph:
            raise LineageError("nothing to draw: the store has no executions yet")
        for layer, nodes in enumerate(nx.topological_generations(graph)):
            for node in nodes:
                graph.nodes[node]["layer"] = layer
        layers = max(nx.get_node_attributes(graph, "layer").values()) + 1
        position = nx.multipartite_layout(
            graph, subset_key="layer"
        )  # one column per step, left to right
        figure, axes = plt.subplots(figsize=(max(6.0, 1.4 * layers), 3.0))
        plt.close(figure)  # detach from pyplot: the caller owns and displays the figure
        for kind, shape, color in (("artifact", "s", "#cfe2f3"), ("execution", "o", "#fde9c9")):
            nodes = [n for n, d in graph.nodes(data=True) if d["kind"] == kind]
            nx.draw_networkx_nodes(
                graph,
                position,
                nodelist=nodes,
                node_shape=shape,
                node_color=color,
                node_size=2200,
                ax=axes,
            )
        # curved edges, so an edge that skips a step does not hide behind the nodes in between
        nx.draw_networkx_edges(
            graph, position, ax=axes, arrows=True, node_size=2200, connectionstyle="arc3,rad=0.25"
        )
        nx.draw_networkx_labels(
            graph, position, nx.get_node_attributes(graph, "label"), font_size=7, ax=axes
        )
        ys = [y for _, y in position.values()]
        axes.set_ylim(min(ys) - 0.6, max(ys) + 0.3)  # room for the boxes and the curved edges below
        axes.margins(x=0.06)
        axes.set_axis_off()
        axes.set_title("Lineage: artifacts (squares) and executions (circles)")
        figure.tight_layout()
        return figure


def _check_properties(properties: Mapping[str, Any]) -> None:
    """Property values MLMD can store as they are: str, int, float (finite) or bool."""
    import math

    for key, value in properties.items():
        if not isinstance(value, (str, int, float)):
            raise TypeError(
                f"property {key!r} must be a str, int, float or bool, but got a "
                f"{type(value).__name__}: {value!r}; convert it (e.g. str(...)) first"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"property {key!r} must be a finite number, but got {value}")


def _is_output(event) -> bool:
    pb = _proto()
    return event.type in (pb.Event.OUTPUT, pb.Event.DECLARED_OUTPUT)
