"""The cells a cell therapy is made of, told from the cells it acts on.

A cell therapy's product is its effector cells: a CAR-T, TCR-T or TIL product uses T
cells ("CAR T cells", "CD4+ and CD8+ CAR T cells", "tumour-infiltrating lymphocytes"), a
CAR-NK product uses NK cells, a gene-modified stem cell product ("-autotemcel") uses
haematopoietic stem and progenitor cells, a mesenchymal product uses stromal cells. The
other lineages an article about it names — the B cells and plasma cells it depletes, the
neutrophils and platelets that engraft after it, the T cells it calms — are what it acts
on, never what it uses. The effector lineage is read from the product's name
and from the descriptions the article puts beside it ("MCARH109, a GPRC5D-targeted CAR
T-cell therapy"); a product of another kind (stem cells, islets) is left to the general
rule.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

#: names of T-cell products: CAR-T, TCR-T, TILs and the INN "-leucel" stem of autologous T-cell products
T_PRODUCT = re.compile(r"\bcar[ -]?t\b|\bcar t|chimeric antigen receptor t|\btcr|\btil\b|tumou?r[- ]infiltrating|"
                       r"\bt[ -]cells?\b|leucel\b|\bcar\b(?![ -]?(?:nk|m)\b)", re.I)
NK_PRODUCT = re.compile(r"\bnk\b|natural killer", re.I)
#: cell mentions of each lineage
T_CELLS = re.compile(r"\bt[ -]?(?:cells?|lymphocytes?)\b|\bcar[+ -]|\bcar\b|tumou?r[- ]infiltrating lymphocytes?|"
                     r"\btils?\b|\bcd[48]\+", re.I)
NK_CELLS = re.compile(r"\bnk\b|natural killer", re.I)
STEM_PRODUCT = re.compile(r"autotemcel|stem[- ]cell|ha?ematopoietic|\bhspcs?\b|\bcd34", re.I)
STEM_CELLS = re.compile(r"stem|progenitor|precursor|\bhs(?:p)?cs?\b|\bcd34", re.I)
GRAFT = re.compile(r"transplant|graft", re.I)
STROMAL_PRODUCT = re.compile(r"mesenchymal|stromal|\bmscs?\b|remestemcel", re.I)
STROMAL_CELLS = re.compile(r"mesenchymal|stromal|\bmscs?\b", re.I)


def effector_lineage(names: Iterable[str]) -> Optional[str]:
    """"T", "NK", "stem" or "stromal": the lineage of the product's cells under any of its names."""
    names = list(names)
    if any(NK_PRODUCT.search(name) for name in names):
        return "NK"
    if any(T_PRODUCT.search(name) for name in names):
        return "T"
    if any(STROMAL_PRODUCT.search(name) for name in names):
        return "stromal"
    if any(STEM_PRODUCT.search(name) for name in names) and not any(GRAFT.search(name) for name in names):
        return "stem"  # a transplant's graft carries the donor's other cells too ("donor T cells")
    return None


def uses_cells(lineage: Optional[str], cell_mention: str) -> Optional[bool]:
    """Whether a product of this lineage is made of the named cells; ``None`` when the
    lineage does not decide (a product of another kind)."""
    if lineage == "T":
        return bool(T_CELLS.search(cell_mention)) and not NK_CELLS.search(cell_mention)
    if lineage == "NK":
        return bool(NK_CELLS.search(cell_mention))
    if lineage == "stem":
        return bool(STEM_CELLS.search(cell_mention))
    if lineage == "stromal":
        return bool(STROMAL_CELLS.search(cell_mention))
    return None
