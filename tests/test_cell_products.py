"""A cell therapy uses its effector cells, not the cells it depletes, and one product
named in several ways is one therapy."""
from __future__ import annotations

from test_relations import article, triples

CAR_T = """Lupus patients stay in remission after CD19 CAR T cells
Researchers reported the results of CD19 CAR-T cell therapy in 12 patients with systemic lupus erythematosus
The T cells of each patient were collected and engineered into anti-CD19 CAR T cells
After the infusion the CAR T cells expanded and the B cells disappeared from the blood within a week
The B cells came back after about four months and the plasma cells fell as well
All patients reached DORIS remission and cytokine release syndrome was mild"""

TWO_TYPES = """Liso-cel gives durable responses in relapsed lymphoma
Lisocabtagene maraleucel is a CD19-directed CAR T-cell product made of CD4+ and CD8+ CAR T cells given in equal doses
In the study, 60 patients with large B-cell lymphoma received lisocabtagene maraleucel
The complete response rate was 53%"""


def test_a_car_t_product_uses_t_cells_and_not_the_b_cells_it_depletes():
    found = triples(article(CAR_T))
    cells = {tail for kind, _, tail in found if kind == "USES_CELL_TYPE"}
    assert cells & {"T cell", "CAR T cell", "T cells", "CAR T cells"}, found
    assert not cells & {"B cell", "B cells", "plasma cell", "plasma cells"}, cells


def test_the_wordings_of_one_construct_are_one_therapy():
    record = article(CAR_T)
    by_id = {e.id: e for e in record.entities}
    heads = {by_id[r.head].text for r in record.relations if r.type in ("HAS_OUTCOME", "TREATS", "CAUSES_ADVERSE_EVENT")}
    assert len(heads) == 1, heads
    [finding] = [f for f in record.findings if f.disease]
    assert finding.outcomes and finding.adverse_events


def test_cd4_and_cd8_car_t_cells_are_two_cell_types_of_the_product():
    record = article(TWO_TYPES)
    by_id = {e.id: e for e in record.entities}
    used = {by_id[r.tail].text for r in record.relations if r.type == "USES_CELL_TYPE"}
    assert any("CD4" in cell for cell in used) and any("CD8" in cell for cell in used), used


def test_a_coordinated_cell_mention_is_split_with_its_shared_head():
    from pipeline.components.coordinated_cells import split_coordinated
    from pipeline.schema import Entity
    text = "made of CD4+ and CD8+ CAR T cells"
    start = text.index("CD4+")
    [first, second] = split_coordinated([Entity(id="e1", label="CELL_TYPE", text=text[start:], start=start,
                                                 end=len(text))])
    assert (first.text, first.normalized.name, first.id) == ("CD4+", "CD4+ CAR T cells", "e1")
    assert (second.text, second.id) == ("CD8+ CAR T cells", "e2")
    assert text[second.start:second.end] == second.text and text[first.start:first.end] == first.text


def test_a_stem_cell_product_uses_its_progenitors_not_the_blood_cells_that_engraft():
    from pipeline.relating.effector_cells import effector_lineage, uses_cells
    lineage = effector_lineage(["lovotibeglogene autotemcel"])
    assert lineage == "stem"
    assert uses_cells(lineage, "CD34+ hematopoietic stem and progenitor cells")
    assert not uses_cells(lineage, "neutrophils") and not uses_cells(lineage, "platelets")
    assert effector_lineage(["allogeneic hematopoietic stem cell transplantation"]) is None  # a graft holds T cells too
    stromal = effector_lineage(["remestemcel-L", "mesenchymal stromal cell therapy"])
    assert uses_cells(stromal, "mesenchymal stromal cells") and not uses_cells(stromal, "T cells")


ALLOGENEIC = """Donor-derived BCMA CAR-T brings deep responses in relapsed multiple myeloma
Autologous BCMA CAR-T cell therapy has changed the care of relapsed multiple myeloma, but making each batch from the patient's own cells takes a month
The new study enrolled 14 patients who were given an allogeneic BCMA CAR-T product prepared from healthy donors before the trial began
With autologous BCMA CAR-T cell therapy, median progression-free survival is close to three years
After the infusion, the overall response rate was 71% and 5 patients reached a stringent complete response
Cytokine release syndrome occurred in 6 patients and was grade 1 or 2 in all of them"""


def test_an_allogeneic_and_an_autologous_product_of_one_target_are_two_therapies():
    found = triples(article(ALLOGENEIC))
    results = {(kind, head) for kind, head, _ in found if kind in ("HAS_OUTCOME", "CAUSES_ADVERSE_EVENT")}
    assert results == {("HAS_OUTCOME", "BCMA CAR-T product"), ("CAUSES_ADVERSE_EVENT", "BCMA CAR-T product")}, found
    assert ("HAS_OUTCOME", "BCMA CAR-T product", "overall response rate") in found
    # the background product's survival is not the study's
    assert ("HAS_OUTCOME", "BCMA CAR-T product", "progression-free survival") not in found
    [finding] = article(ALLOGENEIC).findings
    assert finding.therapy == "BCMA CAR-T product" and finding.patients == 14


def test_the_source_of_a_cell_product_is_read_in_its_modifiers():
    from pipeline.relating.cell_source import mention_sources
    from pipeline.schema import Entity

    def source(text: str, name: str) -> frozenset[str]:
        start = text.index(name)
        return mention_sources(text, Entity(id="e1", label="THERAPY", text=name, start=start, end=start + len(name)))

    assert source("ZB-07, an off-the-shelf CD7 CAR-T product", "CD7 CAR-T product") == {"allogeneic"}
    assert source("Patient-derived CD19 CAR T cells were infused", "CD19 CAR T cells") == {"autologous"}
    assert source("allogeneic CD19 CAR T cells", "allogeneic CD19 CAR T cells") == {"allogeneic"}
    # a source named before a comma or on the line above belongs to another clause
    assert source("Unlike autologous products, CD19 CAR T cells from a bank", "CD19 CAR T cells") == frozenset()
    assert source("made from the patient's own cells\nCD19 CAR-T cell therapy", "CD19 CAR-T cell therapy") == frozenset()


CONDITIONED = """Gene-modified stem cells halt cerebral adrenoleukodystrophy in boys
In the study, twelve boys with cerebral adrenoleukodystrophy were given the gene therapy after myeloablative conditioning with busulfan and fludarabine
After two years, eleven boys were alive without major functional disability
The adverse events were mostly mucositis and febrile neutropenia"""


def test_the_drugs_of_a_conditioning_treat_no_disease():
    found = triples(article(CONDITIONED))
    assert ("TREATS", "gene therapy", "cerebral adrenoleukodystrophy") in found
    assert not any(kind == "TREATS" and head in ("busulfan", "fludarabine") for kind, head, _ in found), found
