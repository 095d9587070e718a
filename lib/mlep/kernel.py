"""The course Jupyter kernel: configures the process, then runs ipykernel.

``make setup`` registers it, as the ``mlep`` kernel that every lab names, inside the tools
environment (``python -m mlep.kernel install --prefix .envs/tools``). JupyterLab, nbgrader
and the tests therefore run every lab in the course environment with the settings of
:mod:`mlep.runtime`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mlep.runtime import ENV_DEFAULTS, configure

KERNEL_NAME = "mlep"
DISPLAY_NAME = "MLEP course (Python 3.11)"


def kernel_spec() -> dict:
    """The ``kernel.json`` content for this interpreter."""
    return {
        "argv": [sys.executable, "-m", "mlep.kernel", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "python",
        "env": dict(ENV_DEFAULTS),
        "metadata": {"debugger": True},
    }


def install(prefix: str | Path) -> Path:
    """Write the kernel spec under ``<prefix>/share/jupyter/kernels/mlep``; return its path."""
    folder = Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "kernel.json"
    target.write_text(json.dumps(kernel_spec(), indent=2) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["install"]:
        parser = argparse.ArgumentParser(prog="python -m mlep.kernel install")
        parser.add_argument("--prefix", required=True, help="environment to register the kernel in")
        args = parser.parse_args(argv[1:])
        print(f"installed kernel {KERNEL_NAME!r} at {install(args.prefix)}")
        return
    configure()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
