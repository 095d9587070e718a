"""``python -m mlep.data.generators [name]``: rewrite a dataset's CSVs, print their sha256."""

import sys

from mlep.data.generators import write

if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "hospital_readmission"
    for split, digest in write(name, 2026).items():
        print(split, digest)
