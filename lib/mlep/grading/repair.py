"""Put a learner's notebook back into a shape nbgrader can grade fairly, and say what was done.

Editors and learners damage notebooks in ordinary ways that should not cost the whole lab:

- some editors save a notebook without nbgrader's cell metadata, so nbgrader sees no graded
  cell at all; :func:`normalise` matches the cells back to the released lab, by cell id first,
  then by content (an exercise's ``def <function>(`` for solution cells, the cell's text for
  test and read-only cells);
- a copied graded cell gives two cells the same ``grade_id``, which nbgrader 0.9.6 cannot
  grade; :func:`normalise` keeps the first copy's metadata (the others run as ordinary cells);
- a test cell turned into markdown or edited: grading restores it from the gradebook, and
  :func:`restore_tests` does the same with the released lab for ``mlep check``;
- a cell that kills the kernel (``os._exit()``, a crash, running out of memory): :func:`defuse`
  replaces what ran in it, so the rest of the notebook can be graded.

Pure JSON (no Jupyter imports): both environments use it. Every function returns new data and
leaves its arguments alone.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field

from mlep.grading import notebooks

#: How alike a metadata-less cell's text must be to a test or read-only cell to be matched to it.
SIMILAR = 0.8

#: What a cell that stopped the kernel is replaced by (a learner's cell) or what its exercise's
#: function does when called (a test cell that died inside the learner's function).
KILLED = (
    "this code stopped the kernel (os._exit() or exit(), a crash, running out of memory, or "
    "ignoring the interrupt at the time limit), "
    "so it was skipped and the rest of the notebook ran without it"
)


@dataclass
class Repair:
    """A normalised notebook and one line per change, in the learner's terms."""

    notebook: dict
    notes: list[str] = field(default_factory=list)


def lab_cells(reference: dict) -> dict[str, dict]:
    """The released lab's nbgrader cells by ``grade_id``."""
    cells = {}
    for cell in reference["cells"]:
        grade_id = notebooks.nbgrader_meta(cell).get("grade_id")
        if grade_id and grade_id not in cells:
            cells[grade_id] = cell
    return cells


def is_test(cell: dict) -> bool:
    """A graded cell the learner does not write (a test cell)."""
    meta = notebooks.nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution")


def normalise(submitted: dict, reference: dict) -> Repair:
    """Restore lost nbgrader metadata from ``reference`` (the released lab) and de-duplicate ids.

    Parameters
    ----------
    submitted : a learner's notebook (JSON).
    reference : the released notebook of the same lab.

    Returns
    -------
    Repair
        The notebook nbgrader should grade, and a note per repair.
    """
    if not isinstance(submitted, dict) or not isinstance(submitted.get("cells"), list):
        raise TypeError(
            "submitted must be a notebook dict with a list of cells, "
            f"but got {type(submitted).__name__}"
        )
    repair = Repair(copy.deepcopy(submitted))
    _restore_metadata(repair, reference)
    _deduplicate(repair)
    _lab_metadata(repair, reference)
    return repair


def _lab_metadata(repair: Repair, reference: dict) -> None:
    """nbgrader's metadata is the instructor's: the lab's, whatever the notebook says.

    A cell that names a lab cell gets that cell's metadata back (points, solution, locked...);
    one that names no lab cell (a graded cell of the learner's own) loses it.
    """
    lab = lab_cells(reference)
    for cell in repair.notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        if gid not in lab:
            del cell["metadata"]["nbgrader"]
            if isinstance(meta, dict) and (meta.get("grade") or meta.get("solution")):
                repair.notes.append(
                    f"a cell claimed to be graded cell {gid!r}, which the lab does not have: "
                    "it ran as an ordinary cell"
                )
            continue
        original = notebooks.nbgrader_meta(lab[gid])
        changed = sorted(
            key
            for key in set(meta) | set(original) - {"checksum"}
            if key != "checksum" and meta.get(key) != original.get(key)
        )
        if changed:
            repair.notes.append(
                f"cell {gid}'s nbgrader settings were changed ({', '.join(changed)}): "
                "the lab's were used"
            )
        cell["metadata"]["nbgrader"] = copy.deepcopy(original)


def _unlabelled(notebook: dict) -> list[int]:
    return [
        i for i, c in enumerate(notebook["cells"]) if not notebooks.nbgrader_meta(c).get("grade_id")
    ]


def _restore_metadata(repair: Repair, reference: dict) -> None:
    cells = repair.notebook["cells"]
    present = {notebooks.nbgrader_meta(c).get("grade_id") for c in cells}
    missing = {gid: cell for gid, cell in lab_cells(reference).items() if gid not in present}
    if not missing:
        return
    free = _unlabelled(repair.notebook)
    by_id = {cells[i].get("id"): i for i in free if cells[i].get("id")}
    matched = {"id": 0, "content": 0}
    for gid, lab_cell in list(missing.items()):
        index = by_id.get(lab_cell.get("id"))
        if index is not None and index in free:
            _label(cells[index], lab_cell)
            free.remove(index)
            del missing[gid]
            matched["id"] += 1
    for gid, lab_cell in missing.items():
        index = _match_content(gid, lab_cell, cells, free)
        if index is not None:
            _label(cells[index], lab_cell)
            free.remove(index)
            matched["content"] += 1
    graded = [
        gid for gid, c in lab_cells(reference).items() if notebooks.nbgrader_meta(c).get("grade")
    ]
    if matched["id"] or matched["content"]:
        repair.notes.append(
            "the notebook had lost nbgrader's cell metadata (some editors drop it): "
            f"{matched['id']} lab cells "
            f"were matched back by cell id and {matched['content']} by their content; "
            f"{sum(g in _grade_ids(repair.notebook) for g in graded)} "
            f"of {len(graded)} test cells found"
        )


def _grade_ids(notebook: dict) -> set[str]:
    return {notebooks.nbgrader_meta(c).get("grade_id") for c in notebook["cells"]} - {None}


def _label(cell: dict, lab_cell: dict) -> None:
    cell.setdefault("metadata", {})["nbgrader"] = copy.deepcopy(notebooks.nbgrader_meta(lab_cell))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _match_content(gid: str, lab_cell: dict, cells: list[dict], free: list[int]) -> int | None:
    meta = notebooks.nbgrader_meta(lab_cell)
    exercise = notebooks.EXERCISE_ID.match(gid)
    if meta.get("solution") and exercise:
        pattern = re.compile(
            rf"^\s*(def|class)\s+{re.escape(exercise['function'])}\b", re.MULTILINE
        )
        for index in free:
            if cells[index].get("cell_type") == "code" and pattern.search(
                notebooks.source(cells[index])
            ):
                return index
        return None
    wanted = _squash(notebooks.source(lab_cell))
    if not wanted:
        return None
    best, best_ratio = None, SIMILAR
    for index in free:
        text = _squash(notebooks.source(cells[index]))
        if text == wanted:
            return index
        if meta.get("grade"):  # a test cell may have been edited: accept a close text
            ratio = difflib.SequenceMatcher(None, text, wanted, autojunk=False).ratio()
            if ratio >= best_ratio:
                best, best_ratio = index, ratio
    return best


def _deduplicate(repair: Repair) -> None:
    seen: dict[str, int] = {}
    for cell in repair.notebook["cells"]:
        gid = notebooks.nbgrader_meta(cell).get("grade_id")
        if not gid:
            continue
        seen[gid] = seen.get(gid, 0) + 1
        if seen[gid] > 1:
            del cell["metadata"]["nbgrader"]
    for gid, count in seen.items():
        if count > 1:
            repair.notes.append(
                f"cell {gid} appears {count} times (a copied cell?): the first copy was graded, "
                "the others ran as ordinary cells"
            )


def restore_tests(notebook: dict, reference: dict) -> Repair:
    """Give every test cell the released lab's text and type back, as grading does.

    nbgrader restores test cells from the gradebook before it runs them; ``mlep check`` runs
    the released version of each test cell for the same verdict.
    """
    repair = Repair(copy.deepcopy(notebook))
    lab = lab_cells(reference)
    for cell in repair.notebook["cells"]:
        gid = notebooks.nbgrader_meta(cell).get("grade_id")
        if not is_test(cell) or gid not in lab:
            continue
        original = lab[gid]
        if cell.get("cell_type") != original.get("cell_type"):
            repair.notes.append(
                f"test cell {gid} had been turned into a {cell.get('cell_type')} cell: "
                "it ran as code, as grading runs it"
            )
        elif notebooks.source(cell).strip() != notebooks.source(original).strip():
            repair.notes.append(
                f"test cell {gid} was edited: the lab's version ran, as grading runs it"
            )
        else:
            continue
        cell["cell_type"] = original.get("cell_type", "code")
        cell["source"] = notebooks.source(original)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return repair


def defuse(notebook: dict, index: int) -> Repair:
    """The notebook with cell ``index`` (the one that stopped the kernel) made harmless.

    A learner's cell is replaced by a ``raise`` that says what happened. A test cell cannot be
    changed (grading restores it), so its exercise's solution cell gets a stub that raises when
    the exercise's function is called. Raises ``ValueError`` when neither applies.
    """
    repair = Repair(copy.deepcopy(notebook))
    cells = repair.notebook["cells"]
    if not 0 <= index < len(cells):
        raise ValueError(f"index must be a cell index below {len(cells)}, but got {index}")
    cell = cells[index]
    gid = notebooks.nbgrader_meta(cell).get("grade_id")
    name = gid or f"cell {index + 1}"
    if not is_test(cell):
        cell["source"] = f"raise RuntimeError({KILLED!r})\n"
        repair.notes.append(
            f"{name} stopped the kernel (os._exit() or exit(), a crash, out of memory, or an "
            "ignored interrupt at the time limit): "
            "it was skipped and the rest of the notebook ran without it"
        )
        return repair
    exercise = notebooks.EXERCISE_ID.match(gid.removesuffix(notebooks.TEST_SUFFIX))
    solution = next(
        (
            c
            for c in cells
            if exercise and notebooks.nbgrader_meta(c).get("grade_id") == exercise[0]
        ),
        None,
    )
    if solution is None:
        raise ValueError(f"cell {gid} stopped the kernel and has no exercise cell to stub")
    function = exercise["function"]
    stub = f"\n\ndef {function}(*args, **kwargs):\n    raise RuntimeError({KILLED!r})\n"
    solution["source"] = notebooks.source(solution) + stub
    repair.notes.append(
        f"{gid}: calling {function}() stopped the kernel (os._exit() or exit(), a crash, out "
        "of memory, or an ignored interrupt at the time limit): these tests score 0 and the rest "
        "of the notebook ran without it"
    )
    return repair
