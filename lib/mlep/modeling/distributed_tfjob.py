"""A Kubeflow ``TFJob`` for the multi-worker training of C3W3, and its schema check.

On a Kubernetes cluster (the official lab uses GKE) the Kubeflow **training operator** runs
distributed TensorFlow: you submit a ``TFJob`` — a manifest naming how many *replicas* of each
type to start (``Chief``, ``Worker``, ``PS``) and the pod each runs — and the operator creates
the pods and a service per replica, and sets each pod's ``TF_CONFIG`` from the replica specs, the
same JSON :func:`mlep.modeling.multiworker.tf_config` writes for loopback workers::

    {"cluster": {"worker": ["train-worker-0.default.svc:2222", "train-worker-1.default.svc:2222"]},
     "task": {"type": "worker", "index": 0}}

:func:`tfjob_manifest` builds the manifest (a dict: ``yaml.safe_dump`` it for ``kubectl apply -f``),
:func:`validate_tfjob` checks it against ``distributed_tfjob.schema.json`` (a JSON Schema this
course wrote from the operator's API types and admission checks) and :func:`cluster_tf_config`
shows the ``TF_CONFIG`` the operator would give a replica. Nothing here needs a cluster.

Examples
--------
>>> job = tfjob_manifest("readmission-train", image="registry.local/mlep:1.0",
...                      command=["python", "train.py"], workers=2)
>>> sorted(job["spec"]["tfReplicaSpecs"]), validate_tfjob(job) is job
(['Worker'], True)
>>> cluster_tf_config(job, "Worker", 1)["task"]
{'type': 'worker', 'index': 1}
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from mlep._checks import count, instance, one_of, strings, text
from mlep.exceptions import MlepError

__all__ = ["TFJobError", "cluster_tf_config", "tfjob_manifest", "tfjob_schema", "validate_tfjob"]

SCHEMA_PATH = Path(__file__).with_name("distributed_tfjob.schema.json")
PORT = 2222  # the operator's default port for the "tensorflow" container (tfjob-port)
RESTART_POLICIES = ("Always", "OnFailure", "Never", "ExitCode")


class TFJobError(MlepError, ValueError):
    """A TFJob manifest that the training operator would refuse."""


def tfjob_manifest(
    name: str,
    *,
    image: str,
    command: list[str],
    workers: int = 2,
    chief: bool = False,
    ps: int = 0,
    namespace: str = "default",
    restart_policy: str = "OnFailure",
    cpu: str = "1",
    memory: str = "2Gi",
    env: dict[str, str] | None = None,
) -> dict:
    """A ``kubeflow.org/v1`` ``TFJob`` running ``command`` in ``image`` on every replica.

    Parameters
    ----------
    name
        The job's name (lower case, digits and ``-``; the pods are ``<name>-worker-0`` …).
    image
        The container image: it must hold TensorFlow and the training script.
    command
        The container's command, e.g. ``["python", "train.py", "--epochs", "3"]``.
    workers
        Worker replicas. Under ``MultiWorkerMirroredStrategy`` without a chief, worker 0 is the
        chief.
    chief
        Add one ``Chief`` replica (it trains too, and writes checkpoints and summaries).
    ps
        Parameter-server replicas (``ParameterServerStrategy`` only; 0 for all-reduce).
    namespace
        The Kubernetes namespace.
    restart_policy
        What the operator does when a replica's pod fails: ``OnFailure`` restarts it (with
        ``BackupAndRestore`` the job resumes from the last epoch), ``Never`` fails the job,
        ``ExitCode`` restarts on exit codes 128-255 only, ``Always`` restarts even on success.
    cpu, memory
        Each replica's resource requests and limits (Kubernetes quantities).
    env
        Extra environment variables of the ``tensorflow`` container (never ``TF_CONFIG``: the
        operator sets it).

    Returns
    -------
    dict
        The manifest, valid under :func:`validate_tfjob`.
    """
    text(name, "name")
    text(image, "image")
    command = strings(command, "command")
    count(workers, "workers")
    instance(chief, bool, "chief", "True or False")
    count(ps, "ps")
    if workers + chief == 0:
        raise ValueError("workers must be at least 1 when chief=False, but got workers=0")
    one_of(restart_policy, RESTART_POLICIES, "restart_policy")
    env = dict(env or {})
    if "TF_CONFIG" in env:
        raise ValueError(
            "env must not set TF_CONFIG: the training operator writes it for each replica"
        )
    variables = [{"name": str(k), "value": str(v)} for k, v in sorted(env.items())]
    container = {
        "name": "tensorflow",  # the operator looks for this name
        "image": image,
        "command": command,
        "ports": [{"name": "tfjob-port", "containerPort": PORT}],
        "resources": {
            "requests": {"cpu": cpu, "memory": memory},
            "limits": {"cpu": cpu, "memory": memory},
        },  # fmt: skip
        **({"env": variables} if variables else {}),
    }
    replicas = {"Chief": int(chief), "Worker": workers, "PS": ps}
    specs = {
        kind: {
            "replicas": n,
            "restartPolicy": restart_policy,
            "template": {"spec": {"containers": [copy.deepcopy(container)]}},
        }
        for kind, n in replicas.items()
        if n
    }
    manifest = {
        "apiVersion": "kubeflow.org/v1",
        "kind": "TFJob",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"runPolicy": {"cleanPodPolicy": "None"}, "tfReplicaSpecs": specs},
    }
    return validate_tfjob(manifest)


def tfjob_schema() -> dict:
    """The course's JSON Schema of a ``TFJob`` (``distributed_tfjob.schema.json``).

    Returns
    -------
    dict
        A JSON Schema (draft 2020-12).
    """
    return json.loads(SCHEMA_PATH.read_text())


def validate_tfjob(manifest: dict) -> dict:
    """Check a TFJob manifest against :func:`tfjob_schema`; return it unchanged.

    Parameters
    ----------
    manifest
        The manifest as a dict (``yaml.safe_load`` of a file).

    Returns
    -------
    dict
        ``manifest``.

    Raises
    ------
    TFJobError
        Listing every violation with its place in the manifest, e.g.
        ``spec.tfReplicaSpecs.Worker.template.spec.containers: ...``.
    """
    import jsonschema

    instance(manifest, dict, "manifest", "a dict (a parsed TFJob manifest)")
    validator = jsonschema.Draft202012Validator(tfjob_schema())
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {_message(e)}" for e in errors]
        raise TFJobError("not a valid TFJob:\n  " + "\n  ".join(lines))
    return manifest


def _message(error) -> str:
    """jsonschema's message, said plainly where it would print the whole offending value."""
    if error.validator == "contains":
        return "no container is named 'tensorflow' (the operator writes TF_CONFIG into that one)"
    if error.validator == "not" and list(error.absolute_path)[-1:] == ["tfReplicaSpecs"]:
        return "at most one of Chief and Master (both name the chief)"
    if error.validator == "additionalProperties" and not error.validator_value:
        return error.message.replace("Additional properties are not allowed", "unknown field(s)")
    return error.message


def cluster_tf_config(manifest: dict, replica_type: str, index: int) -> dict:
    """The ``TF_CONFIG`` the training operator gives replica ``index`` of ``replica_type``.

    Every replica gets the whole cluster — one address per replica, the pod's service
    ``<job>-<type>-<index>.<namespace>.svc:<port>`` (the ``tensorflow`` container's port named
    ``tfjob-port``, 2222 without one, as the operator's ``GetPortFromTFJob`` reads it) — and its
    own task.

    Parameters
    ----------
    manifest
        A valid TFJob manifest.
    replica_type
        ``"Chief"``, ``"Worker"``, ``"PS"`` (a type the manifest has).
    index
        The replica's index within its type.

    Returns
    -------
    dict
        ``{"cluster": {"chief": [...], "worker": [...], "ps": [...]}, "task": {...},
        "environment": "cloud"}`` (an Evaluator replica is not part of the cluster).
    """
    validate_tfjob(manifest)
    specs = manifest["spec"]["tfReplicaSpecs"]
    one_of(replica_type, sorted(specs), "replica_type")
    count(index, "index")
    replicas = {kind: spec.get("replicas", 1) for kind, spec in specs.items()}
    if index >= replicas[replica_type]:
        raise ValueError(
            f"index must be below {replica_type}'s {replicas[replica_type]} replicas, "
            f"but got {index}"
        )
    name = manifest["metadata"]["name"]
    namespace = manifest["metadata"].get("namespace", "default")
    cluster = {
        kind.lower(): [
            f"{name}-{kind.lower()}-{i}.{namespace}.svc:{_port(specs[kind])}" for i in range(n)
        ]
        for kind, n in replicas.items()
        if kind != "Evaluator" and n
    }
    task = {"type": replica_type.lower(), "index": index}
    return {"cluster": cluster, "task": task, "environment": "cloud"}


def _port(spec: dict) -> int:
    """A replica type's port: its ``tensorflow`` container's ``tfjob-port``, else :data:`PORT`."""
    for container in spec["template"]["spec"]["containers"]:
        if container["name"] == "tensorflow":
            for port in container.get("ports", []):
                if port.get("name") == "tfjob-port":
                    return port["containerPort"]
    return PORT
