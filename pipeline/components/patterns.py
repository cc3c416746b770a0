"""Mentions that no list holds, found by the morphology of the domain's names.

Regular expressions over each line of the text, each for one family:

* CAR constructs named by their target: "anti-CD19 CAR-T cell therapy", "GD2-CAR T cells",
  "BCMA/CD19 dual-target CAR-T";
* drug names by their INN stems (WHO INN "Use of stems", 2018), token by token: -mab,
  -cel/-leucel, -parvovec, -tinib, -ciclib, -parib, -rafenib, -lisib, -zomib, -lidomide,
  -platin, -taxel, -rubicin, -citabine, -tecan, -vedotin …; short "-cel" forms ("cilta-cel"); code
  names of investigational products ("VGX-3100", "CT041", "mRNA-4157");
* drug classes by target: "BRAF inhibitor", "anti-CD38 antibody", "PD-1 blockade";
* targets by the shape of their names and of what is said of them (``target_shapes``);
* marker-defined and disease-named cell populations: "CD4+ CAR T cells", "CD34+
  hematopoietic stem and progenitor cells", "leukemic blasts", "myeloma cells";
* outcome phrases: "hematologic complete response", "failure-free survival", "disease
  control rate", "MRD negativity"; named instruments ("Expanded Disability Status Scale",
  "Kansas City Cardiomyopathy Questionnaire clinical summary score") and responder
  thresholds on a score ("PASI 90", "EASI-75", "ACR20"); measures named by what a results
  sentence does with them ("body weight fell by 15%") are ``measures``' job;
* adverse events written as findings: "decreased neutrophil count", "elevated alanine
  aminotransferase", "injection-site pain", "dose-limiting toxicities".

Matches join the doc's candidates without a concept; linking gives them one.
"""
from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span

from .kb_matcher import candidates
from .line_sentencizer import doc_text, token_texts
from .measures import measure_spans
from .target_shapes import target_spans

_ANTIGEN = r"(?:CD\d{1,3}[a-z]?|CTLA-4|PD-L?1|BCMA|GPRC5D|GD2|HER2|PSMA|GPC3|CLDN18\.2|Claudin ?18\.2|IL-?13R[αa]2|EGFRvIII|EGFR|MSLN|mesothelin|DLL3|B7-H3|ROR1|CEA|MUC1|NY-ESO-1|MAGE-A4|KRAS|TROP2|FAP|CD19/CD22|CD19/CD20|BCMA/CD19|CD19/BCMA|[A-Z][A-Z0-9]{1,6}(?:/[A-Z][A-Z0-9]{1,6})?)"
_CAR = r"CAR[- ]?(?:T|NK|M)?"
#: INN stems that end drug names; a token with one of them is a drug (checked per token)
DRUG_STEMS = ("mab", "cel", "leucel", "parvovec", "vec", "tinib", "ciclib", "lisib", "parib", "rafenib", "degib",
              "zomib", "lidomide", "platin", "taxel", "rubicin", "citabine", "tecan", "vedotin", "mafodotin",
              "govitecan", "deruxtecan", "emtansine", "sertib", "rasib", "rsen", "stat", "gliptin", "glutide",
              "plenib", "metinib", "fenib", "clax", "mustine")
_DRUG_WORD = re.compile(r"[A-Za-z][a-z]{2,}[a-z]*")
_AMINO = "ACDEFGHIKLMNPQRSTVWY"

#: words a clinical score's name is made of besides its acronym ("MG Activities of Daily Living score")
_SCORE_WORD = (r"(?:[A-Z][\w+-]*|[\w-]*[A-Z][\w+-]*|part|of|activity|activities|skin|motor|daily|living|disease|"
               r"symptom|functional|function|severity|clinical|global|quality|life|physician|patient|impression|"
               r"assessment|rating|[IVX]+)")
#: capitalized words that begin a sentence, not a score's name
_NOT_ENDPOINT_START = r"(?:The|A|An|In|At|All|Its|Their|This|These|After|Before|Mean|Median|And|Of|On|By|With|For|From)"
#: a capitalised word of an instrument's name ("Rating-Sum", "George's", "St.")
_NAME_WORD = r"(?:St\.|[A-Z][\w'’]*(?:-[A-Za-z][\w'’]*)*)"
#: a short noun phrase after "freedom from", "time to": up to four words, stopping at a preposition or a verb
_PHRASE = (r"[a-z][a-z-]*(?: (?!(?:for|at|in|and|with|during|after|up|through|over|was|were|is|are|of|by|to|than|"
           r"from|on|or|compared|versus|vs|which|that|as|while|the|decreased|increased|fell|improved|reached|declined|"
           r"dropped|rose|remained|stayed|had|has|have)\b)[a-z][a-z-]*){0,3}")


class Pattern(NamedTuple):
    label: str
    regex: re.Pattern[str]
    starts: str = ""  # the words a case-insensitive match can begin with, lower-cased, "|"-separated
    anchor: str = ""  # a word every match holds (regex): the pattern is tried only in windows around it


PATTERNS: list[Pattern] = [
    Pattern("THERAPY", re.compile(
        rf"\b(?:[Aa]nti-)?{_ANTIGEN}(?:[-/]{_ANTIGEN})?"
        rf"(?:[- ](?:targeted|targeting|directed|specific|dual[- ]target(?:ed)?|bispecific|compound))?"
        rf"[- ]?{_CAR}(?:[- ]?cells?)?(?:[- ](?:cell[- ])?(?:therapy|therapies|treatment|immunotherapy|product))?"
        r"(?![\w-])"), anchor=r"CAR"),
    Pattern("THERAPY", re.compile(r"\b[a-z]{2,6}-cel\b")),
    # a vector construct named by its capsid and transgene ("AAV1-hOTOF", "AAV5-hFVIII-SQ", "AAV2-hRPE65v2") and a
    # code name with a Greek letter ("G47Δ", an oncolytic herpes virus with a gene deleted)
    Pattern("THERAPY", re.compile(r"\b(?:r?AAV\d{0,2}(?:\.\w+)?|LV|Ad\d{1,2})-[A-Za-z][\w.]*(?:-[\w.]+)*(?<![.-])")),
    Pattern("THERAPY", re.compile(r"(?<![\w-])[A-Z]{1,4}\d{1,4}[ΔΔ](?!\w)")),
    # a radioligand named with its isotope: "177Lu-PSMA-617", "[177Lu]Lu-DOTATATE", "225Ac-J591", "131I-MIBG"
    Pattern("THERAPY", re.compile(r"(?<![\w-])(?:\[\d{2,3}(?:Lu|Ac|Y|I|Ra|Pb|Sm|Sr|Tc|Ga|In|Cu|Th|Bi|At|Ho|Re|Zr)\]"
                                  r"(?:Lu|Ac|Y|I|Ra|Pb|Sm|Sr|Tc|Ga|In|Cu|Th|Bi|At|Ho|Re|Zr)?|"
                                  r"\d{2,3}(?:Lu|Ac|Y|I|Ra|Pb|Sm|Sr|Tc|Ga|In|Cu|Th|Bi|At|Ho|Re|Zr))-"
                                  r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")),
    # cell products named by how they were made ("iPSC-derived dopaminergic progenitors", "memory-like NK cells")
    Pattern("THERAPY", re.compile(r"\b(?:(?:cytokine-induced )?memory-like|CAR[- ]NK|TCR-T|TCR-engineered|gene-modified|"
                                  r"gene-edited)\s+(?:[\w-]+\s+){0,2}?(?:cells?|progenitors?|lymphocytes?)\b")),
    Pattern("THERAPY", re.compile(r"\b(?:TCR|CAR|[A-Z][A-Z0-9-]{1,10}) gene therapy\b")),
    Pattern("THERAPY", re.compile(r"\b(?:mRNA-\d{3,5}|[A-Z]{2,5}-\d{3,5}[A-Z]?|[A-Z]{2,6}\d{3,5}|[A-Z0-9]{2,6}-CART\d{1,3})\b")),
    # a company's word-and-number code: "Descartes-08" (not "Phase-2", "Day-28", "COVID-19")
    Pattern("THERAPY", re.compile(r"\b(?!(?:Phase|Grade|Day|Week|Month|Year|Cycle|Type|Stage|Covid|Level|Part|Cohort|Arm|"
                                  r"Study|Trial|Dose|Figure|Table|Step|Class|Group|Line|Version|Model|Page|Section|"
                                  r"Visit|Site|Heart|Room|Ward|Cluster|Chapter|Region|Interleukin|Factor|Protein|Receptor|"
                                  r"Chromosome|Exon|Codon|Compound|Lot|Batch|Patient|Subject|Case)-)[A-Z][a-z]{3,12}-\d{2,3}\b")),
    Pattern("THERAPY", re.compile(
        r"\b(?:intensive|salvage|induction|consolidation|adjuvant|neoadjuvant|lymphodepleting|myeloablative|"
        r"high-dose|combination|cytotoxic|palliative)\s+"
        r"(?:chemotherapy|chemoimmunotherapy|immunotherapy)\b|"
        r"\b(?:salvage|bridging|immunosuppressive|investigator's choice|physician's choice)\s+(?:therapy|treatment)\b",
        re.I), "intensive|salvage|induction|consolidation|adjuvant|neoadjuvant|lymphodepleting|myeloablative|high|"
               "combination|cytotoxic|palliative|bridging|immunosuppressive|investigator|physician"),
    Pattern("THERAPY", re.compile(r"\b[a-z]+-(?:based|containing)\s+(?:chemotherapy|chemoimmunotherapy|immunotherapy)\b",
                                  re.I)),
    Pattern("THERAPY", re.compile(r"\b(?:radical |partial |total |cytoreductive )?[a-z]{3,}ectomy\b", re.I)),
    Pattern("THERAPY", re.compile(
        rf"\b(?:(?:[Aa]nti-)?(?!AAV|HIV|HBV|HCV|HPV|EBV|CMV|drug){_ANTIGEN}|proteasome|immunomodulatory|hypomethylating|alkylating|"
        r"platinum(?:-based)?|tyrosine kinase|checkpoint|kinase|hormone)\s+"
        r"(?:inhibitors?|(?:monoclonal\s+)?antibod(?:y|ies)|blockers?|blockade|agents?|drugs?|chemotherapy|"
        r"antibody-drug conjugates?|ADCs?)\b"),
        anchor=r"\b(?:inhibitors?|antibod(?:y|ies)|blockers?|blockade|agents?|drugs?|chemotherapy|conjugates?|ADCs?)\b"),
    # pharmacological classes named as such ("beta-blockers", "anticoagulants", "inhaled glucocorticoids",
    # "long-acting muscarinic antagonists"), with the route or duration that is part of the name
    Pattern("THERAPY", re.compile(
        r"\b(?:(?:inhaled|topical|oral|systemic|intravenous|long-acting|short-acting)\s+)?"
        r"(?:(?:antiplatelet|antifungal|antiviral|antibiotic|antiretroviral|antiemetic)\s+"
        r"(?:agents?|drugs?|therapy|treatment|prophylaxis)|anti-?inflammator(?:y|ies) drugs?|"
        r"anticoagulants?|antihistamines?|antibiotics?|antifungals?|antivirals?|antiemetics?|antipsychotics?|"
        r"antidepressants?|anticonvulsants?|antiepileptics?|antipyretics?|antihypertensives?|antispasmodics?|"
        r"bisphosphonates?|diuretics?|statins?|opioids?|"
        r"(?:beta|β)[- ]?blockers?|(?:cholinesterase|acetylcholinesterase|proton[- ]pump|aromatase|calcineurin)\s+"
        r"inhibitors?|(?:beta-?2?|β2?|muscarinic)[- ](?:agonists?|antagonists?)|"
        r"(?:inhaled|topical|oral|systemic)\s+(?:glucocorticoids?|corticosteroids?|steroids?))\b",
        re.I)),
    Pattern("CELL_TYPE", re.compile(
        r"\b(?:CD\d{1,3}(?:[+−]|-positive|-negative|-)(?:\s*(?:/|and)?\s*CD\d{1,3}(?:[+−]|-positive|-negative|-))*)\s+"
        r"(?:[A-Za-z-]+\s+){0,5}?"
        r"(?:cells?|lymphocytes?|blasts?)\b")),
    Pattern("CELL_TYPE", re.compile(r"\b(?:central memory|effector memory|stem cell memory|naive|naïve|memory|regulatory|"
                             r"cytotoxic|helper)\s+[TB][- ]cells?\b", re.I),
            "central|effector|stem|naive|naïve|memory|regulatory|cytotoxic|helper"),
    Pattern("CELL_TYPE", re.compile(r"\b(?:leuka?emic|myeloma|tumou?r|cancer|lymphoma|leuka?emia|malignant|clonal plasma|"
                             r"autologous|allogeneic|donor)\s+(?:cells|cell|blasts?)\b", re.I),
            "leukemic|leukaemic|myeloma|tumor|tumour|cancer|lymphoma|leukemia|leukaemia|malignant|clonal|autologous|"
            "allogeneic|donor"),
    Pattern("OUTCOME", re.compile(
        r"\b(?:(?:complete|partial|overall|objective|major|minor|ha?ematologic(?:al)?|cardiac|renal|hepatic|clinical|"
        r"molecular|cytogenetic|patholog(?:ic|ical)|metabolic|MRD|durable|sustained|composite|stringent|deep|best|"
        r"very good|radiographic|radiological|biochemical|serological|virological|immunological|histopathological|"
        r"organ|intracranial|long-term|drug-free|treatment-free|medication-free|steroid-free|DORIS|LLDAS)"
        r"[ -]){1,3}(?:response|remission|regression)(?:\s+rate)?s?\b", re.I),
            "complete|partial|overall|objective|major|minor|hematologic|hematological|haematologic|haematological|"
            "cardiac|renal|hepatic|clinical|molecular|cytogenetic|pathologic|pathological|metabolic|mrd|durable|"
            "sustained|composite|stringent|deep|best|very|radiographic|radiological|biochemical|serological|"
            "virological|immunological|histopathological|organ|intracranial|long|drug|treatment|medication|steroid|"
            "doris|lldas"),
    Pattern("OUTCOME", re.compile(
        r"\b(?:(?:distant\s+)?(?:metastasis|progression|event|disease|relapse|recurrence|leuka?emia|lymphoma|failure|"
        r"treatment|GVHD|graft-versus-host disease|ventilation|transfusion|hospitali[sz]ation|invasive disease|symptom|"
        r"death|infection|dialysis|steroid)-free|overall)\s+survival\b", re.I),
            "distant|metastasis|progression|event|disease|relapse|recurrence|leukemia|leukaemia|lymphoma|failure|"
            "treatment|gvhd|graft|ventilation|transfusion|hospitalization|hospitalisation|invasive|symptom|death|"
            "infection|dialysis|steroid|overall"),
    Pattern("OUTCOME", re.compile(r"\b(?:disease control|clinical benefit|objective response|complete response|overall response|"
                           r"response|remission|cure)\s+rates?\b", re.I),
            "disease|clinical|objective|complete|overall|response|remission|cure"),
    Pattern("OUTCOME", re.compile(
        r"\b(?:annuali[sz]ed (?:bleeding|bleed|infusion) rates?|(?:insulin|transfusion|ventilator|ventilation|dialysis)"
        r"[- ]independence|(?:best[- ]corrected )?visual acuity|time in (?:target )?range|(?:neutrophil |platelet )?"
        r"engraftment|viral clearance|(?:six|6)[- ]minute walk(?: distance| test)?|motor milestones?)\b", re.I),
            "annualized|annualised|insulin|transfusion|ventilator|ventilation|dialysis|best|visual|time|neutrophil|"
            "platelet|engraftment|viral|six|6|motor"),
    # a replaced or lowered molecule measured as the result of a gene or cell therapy
    Pattern("OUTCOME", re.compile(
        r"\b(?:(?:factor (?:VIII|IX|8|9)|F(?:VIII|IX)|ha?emoglobin|HbF|LDL(?:-C| cholesterol)|PCSK9|(?:serum )?TTR|"
        r"C-peptide|HbA1c|(?:micro-)?dystrophin|insulin)[- ](?:activity|levels?|expression|reduction|production|"
        r"concentrations?)|(?:fetal|total) ha?emoglobin|endogenous C-peptide)\b", re.I),
            "factor|fviii|fix|hemoglobin|haemoglobin|hbf|ldl|pcsk9|serum|ttr|c|hba1c|micro|dystrophin|insulin|fetal|"
            "total|endogenous"),
    Pattern("OUTCOME", re.compile(r"\b(?:MRD|minimal residual disease|measurable residual disease)[- ]negativ(?:e|ity)\b",
                                  re.I), "mrd|minimal|measurable"),
    # endpoints by shape rather than by name: a clinical score or index named by its acronym
    # ("SLEDAI-2K score", "EUSTAR activity index", "MG Activities of Daily Living score")
    Pattern("OUTCOME", re.compile(
        rf"\b(?!{_NOT_ENDPOINT_START}\b)(?=(?:[\w+-]+ ){{0,6}}?[A-Z][\w+-]*[A-Z0-9])(?:modified |total )?"
        rf"(?:[A-Z][\w+-]*|[\w-]*[A-Z][\w+-]*)(?: {_SCORE_WORD}){{0,5}}? (?:score|index|scale|measure)\b"), anchor=r"\b(?:score|index|scale|measure)\b"),
    # a named instrument: capitalised words ending in what it is ("Expanded Disability Status Scale",
    # "North Star Ambulatory Assessment", "St. George's Respiratory Questionnaire (SGRQ) score"); not
    # the prognostic, staging and performance scores that describe the patients enrolled
    Pattern("OUTCOME", re.compile(
        rf"(?<![\w'-])(?:(?:integrated|modified|revised|total|expanded|short-form|composite) )?"
        rf"(?!{_NOT_ENDPOINT_START}\b)(?!(?:\S+ ){{0,7}}?(?:Prognostic|Risk|Staging|Comorbidity|Performance|Charlson)\b)"
        rf"(?<!Prognostic )(?<!Risk )(?<!Staging )(?<!Comorbidity )(?<!Performance )(?<!Charlson )"
        rf"{_NAME_WORD}(?: (?:of|and|for|in|the|{_NAME_WORD})){{0,6}} "
        rf"(?:Questionnaire|Scale|Score|Index|Inventory|Assessment|Rating|Measure|Test|Profile|Survey)"
        rf"(?:-[A-Z][a-z]+)?(?: \d{{2,4}})?"
        rf"(?:(?: \([A-Za-z][\w+/-]{{1,12}}\))?(?: [a-z][a-z-]+){{0,3}} (?:score|scale|index|subscale))?(?![\w-])"),
        anchor=r"\b(?:Questionnaire|Scale|Score|Index|Inventory|Assessment|Rating|Measure|Test|Profile|Survey)\b"),
    # a responder threshold on a score: "PASI 90", "EASI-75", "ACR20", "ASAS40" (not "CD20", a marker)
    Pattern("OUTCOME", re.compile(r"(?<![\w-])(?!CD)[A-Z]{3,6}[- ]?(?:20|40|50|70|75|90|100)(?: response| responders?)?"
                                  r"(?![\w.,%-]| ?(?:%|mg|µg|μg|mL|ml|kg|patients|participants|cells|days|weeks|months))")),
    Pattern("OUTCOME", re.compile(
        r"\b(?:lung|pulmonary) function\b|\bforced (?:vital capacity|expiratory "
        r"volume(?: in (?:1|one) second)?)|\bdiffusing capacity(?: of the lung)?(?: for carbon monoxide)?", re.I),
        "lung|pulmonary|forced|diffusing"),
    Pattern("OUTCOME", re.compile(r"\b(?:FEV1|FVC|DLCO|6MWD)\b")),
    Pattern("OUTCOME", re.compile(rf"\bfreedom from {_PHRASE}", re.I), "freedom"),
    Pattern("OUTCOME", re.compile(rf"\b(?:survival|survived|alive) (?:and )?(?:without|free (?:of|from)) {_PHRASE}", re.I),
            "survival|survived|alive"),
    Pattern("OUTCOME", re.compile(
        rf"(?:(?<=the )|(?<=median )|(?<=mean )|(?<=longer )|(?<=shorter )|(?<=delayed )|(?<=prolonged ))"
        rf"time to (?:the )?(?:first )?(?!the\b|a\b|an\b|onset\b){_PHRASE}", re.I), "time"),
    Pattern("OUTCOME", re.compile(r"\bduration of (?:the )?(?:complete |overall |objective |major )?(?:response|remission|"
                                  r"disease control|clinical benefit|benefit)s?\b", re.I), "duration"),
    Pattern("OUTCOME", re.compile(
        r"\bcomplete (?:response|remission) with (?:incomplete|partial) (?:ha?ematologic(?:al)? |blood |platelet )?"
        r"(?:count |marrow )?recovery\b", re.I), "complete"),
    Pattern("OUTCOME", re.compile(
        r"\b(?:(?:MRD|minimal residual disease|measurable residual disease)(?: \(MRD\))?[- ]negative (?:complete )?"
        r"(?:remission|response|status)s?|(?:minimal|measurable) residual disease (?:\(MRD\) )?negativity|"
        r"undetectable (?:MRD|minimal residual disease|measurable residual disease)|negative for (?:minimal|measurable) "
        r"residual disease)\b", re.I), "mrd|minimal|measurable|undetectable|negative"),
    Pattern("OUTCOME", re.compile(
        r"\b(?:(?:functional |independent |unassisted )+(?:sitting|walking|standing|ambulation)|(?:sitting|sat|walking|"
        r"walked|standing|stood) (?:without support|independently|unaided|unassisted))\b", re.I),
        "functional|independent|unassisted|sitting|sat|walking|walked|standing|stood"),
    Pattern("OUTCOME", re.compile(
        r"\b(?:tumou?r (?:shrinkage|size reduction|volume reduction|burden reduction)|(?:shrinkage|reduction|decrease) "
        r"(?:in|of) (?:the )?tumou?r (?:size|burden|volume)s?)\b", re.I), "tumor|tumour|shrinkage|reduction|decrease"),
    Pattern("OUTCOME", re.compile(rf"\bannuali[sz]ed (?:[a-z-]+ )?rates?(?: of {_PHRASE})?", re.I), "annualized|annualised"),
    Pattern("ADVERSE_EVENT", re.compile(
        r"\b(?:decreased|reduced|low)\s+(?:appetite|neutrophil count|platelet count|white blood cell count|"
        r"lymphocyte count|ejection fraction)\b", re.I), "decreased|reduced|low"),
    Pattern("ADVERSE_EVENT", re.compile(
        r"\b(?:increased|elevated|raised)\s+(?:alanine aminotransferase|aspartate aminotransferase|ALT|AST|bilirubin|"
        r"creatinine|liver enzymes|transaminases|hepatic aminotransferases|lipase|amylase)(?:\s+levels?)?\b", re.I),
            "increased|elevated|raised"),
    Pattern("ADVERSE_EVENT", re.compile(r"\b(?:injection|infusion)[- ]site\s+(?:pain|reactions?|erythema|swelling)\b",
                                        re.I), "injection|infusion"),
    Pattern("ADVERSE_EVENT", re.compile(r"\b(?:dose-limiting|treatment-related|immune-related|immune-mediated|"
                                 r"treatment-emergent|serious|grade\s*[3-5]|severe)\s+(?:adverse (?:events?|reactions?)|"
                                 r"toxicit(?:y|ies))\b", re.I),
            "dose|treatment|immune|serious|grade|severe"),
    Pattern("ADVERSE_EVENT", re.compile(r"\b(?:upper|lower)\s+respiratory(?:\s+tract)?\s+infections?\b", re.I),
            "upper|lower"),
    Pattern("ADVERSE_EVENT", re.compile(r"\b(?:alanine|aspartate) aminotransferase (?:elevations?|increases?|increased)\b|"
                                 r"\b(?:ALT|AST|transaminase) elevations?\b", re.I),
            "alanine|aspartate|alt|ast|transaminase"),
    Pattern("ADVERSE_EVENT", re.compile(
        r"\b(?:increases?|elevations?|rises?|changes?) (?:of|in) (?:the )?(?:serum )?(?:alanine aminotransferase|"
        r"aspartate aminotransferase|ALT|AST|bilirubin|creatinine|(?:liver |hepatic )?(?:transaminases|aminotransferases|"
        r"enzymes)|liver enzymes|lipase|amylase|troponin)\b", re.I), "increase|increases|elevation|elevations|rise|"
            "rises|change|changes"),
    Pattern("ADVERSE_EVENT", re.compile(r"\b(?:cytokine|skin|immune|infusion|eye|ocular|liver|hepatic|renal|cardiac|"
                                        r"neurologic(?:al)?|gastrointestinal|bleeding)[- ](?:related|mediated)\s+"
                                        r"(?:adverse\s+)?(?:events?|reactions?|toxicit(?:y|ies))\b", re.I),
            "cytokine|skin|immune|infusion|eye|ocular|liver|hepatic|renal|cardiac|neurologic|neurological|"
            "gastrointestinal|bleeding"),
    Pattern("ADVERSE_EVENT", re.compile(r"\b[a-z]+-like (?:illness|symptoms|syndrome)\b", re.I)),
    Pattern("ADVERSE_EVENT", re.compile(r"\bdry (?:skin|mouth|eyes?)\b|"
                                 r"\b(?:thrombotic|thromboembolic|cardiovascular|bleeding|ha?emorrhagic|cardiac) events?\b",
                                 re.I), "dry|thrombotic|thromboembolic|cardiovascular|bleeding|hemorrhagic|haemorrhagic|cardiac"),
    Pattern("ADVERSE_EVENT", re.compile(r"\b(?:renal|hepatic|cardiac|cardiopulmonary|respiratory|graft|kidney|liver)\s+"
                                 r"(?:impairment|failure|dysfunction)\b", re.I),
            "renal|hepatic|cardiac|cardiopulmonary|respiratory|graft|kidney|liver"),
    Pattern("ANTIGEN", re.compile(rf"\b[{_AMINO}]\d{{2,4}}[{_AMINO}]\b")),
    Pattern("DISEASE", re.compile(r"\b(?:heart valve|heart|cardiac|myocardial|lung|pulmonary|liver|hepatic|kidney|renal|skin|"
                           r"bone marrow|joint|muscle|skeletal muscle|nerve|intestinal|gastrointestinal|CNS|brain)\s+"
                           r"(?:fibrosis|inflammation|damage|injury|involvement|disease|lesions?|metastas[ie]s)\b", re.I),
            "heart|cardiac|myocardial|lung|pulmonary|liver|hepatic|kidney|renal|skin|bone|joint|muscle|skeletal|"
            "nerve|intestinal|gastrointestinal|cns|brain"),
    # a disease named by the enzyme or factor that is missing: "ADA deficiency", "AADC deficiency",
    # "complement C7 deficiency", "type II C2 deficiency" (not "iron deficiency": a symbol only)
    Pattern("DISEASE", re.compile(r"\b(?:[Tt]ype (?:I{1,3}|[12]) )?(?:(?:[Hh]uman )?[Cc]omplement (?:(?:component|protein) )?)?"
                                  r"(?!(?:HER2|MMR|DNA|RNA)\b)[A-Z][A-Z0-9]{1,7}(?:-\d{1,2})? deficiency\b")),
]
_NOT_DRUG = frozenset({"stat", "ecstat", "thermostat", "tinib", "vec", "cel"})


def _folded(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], bool]:
    """A case-insensitive pattern is run case-sensitively on lower-cased text, which the
    regex engine scans several times faster."""
    if not pattern.flags & re.IGNORECASE:
        return pattern, False
    source = pattern.pattern
    assert not re.search(r"\\[SWDBAZ]", source), source  # lower-casing would change these escapes
    return re.compile(source.lower()), True


def _compile(patterns: list[Pattern]) -> list[tuple[str, re.Pattern[str], bool]]:
    """Patterns without start words: one regular expression per label and case mode, so
    a label's alternatives are found in one scan of the text."""
    groups: dict[tuple[str, bool], list[str]] = {}
    for pattern in patterns:
        if pattern.starts or pattern.anchor:
            continue
        regex, folded = _folded(pattern.regex)
        groups.setdefault((pattern.label, folded), []).append(f"(?:{regex.pattern})")
    return [(label, re.compile("|".join(sources)), folded) for (label, folded), sources in groups.items()]


def _by_start_word(patterns: list[Pattern]) -> tuple[re.Pattern[str], dict[str, list[tuple[str, re.Pattern[str]]]]]:
    """Patterns with start words: one scan finds the start words, and each pattern is
    tried only where one of its own stands (``match`` at that position, no scan)."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for pattern in patterns:
        if pattern.starts:
            regex, _ = _folded(pattern.regex)
            for word in pattern.starts.split("|"):
                table.setdefault(word, []).append((pattern.label, regex))
    words = "|".join(sorted(map(re.escape, table), key=len, reverse=True))
    return re.compile(rf"\b(?:{words})\b"), table


_COMPILED = _compile(PATTERNS)
#: how far a match may reach before and after its anchor word
ANCHOR_WINDOW = (60, 60)
_ANCHORED = [(p.label, p.regex, re.compile(p.anchor)) for p in PATTERNS if p.anchor]
_START_WORDS, _STARTED = _by_start_word(PATTERNS)


def pattern_spans(doc: Doc, known: frozenset = frozenset()) -> Iterator[Span]:
    """Pattern matches as spans, except those the dictionary already found (``known``:
    token offsets and label)."""
    text = doc_text(doc)
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower-case to two; keep offsets exact
        lowered = None
    for label, match in _all_matches(text, lowered):
        if "\n" in match.group(0):
            continue  # a mention never crosses a line
        if label == "THERAPY" and (match.group(0).lower() in _NOT_DRUG or _names_a_study(text, match)):
            continue
        span = doc.char_span(match.start(), match.end(), label=label, alignment_mode="expand")
        if span is not None and (span.start, span.end, label) not in known:
            yield span


_MADE_FROM = re.compile(r"-(?:derived|armou?red|secreting|expressing)\s+(?:[\w-]+\s+){0,3}?(?:CAR[- ]?T\s+)?"
                        r"(?:cells?|progenitors?|lymphocytes?)\b")
_WORD_BEFORE = re.compile(r"[A-Za-z0-9][\w-]*$")


def made_from_spans(text: str) -> Iterator[tuple[int, int]]:
    """Cell products named by how they were made — "iPSC-derived dopaminergic
    progenitors", "IL-15-armored GPC3 CAR-T cells" — found from the literal "-derived"
    (a scan for the whole phrase would try every word of the text)."""
    for match in _MADE_FROM.finditer(text):
        before = _WORD_BEFORE.search(text, max(0, match.start() - 30), match.start())
        if before:
            yield before.start(), match.end()


def _all_matches(text: str, lowered) -> Iterator[tuple[str, re.Match]]:
    subject = lowered if lowered is not None else text.lower()
    for label, pattern, folded in _COMPILED:
        if folded and lowered is None:
            pattern, folded = re.compile(pattern.pattern, re.I), False
        for match in pattern.finditer(lowered if folded else text):
            yield label, match
    before, after = ANCHOR_WINDOW
    for label, pattern, anchor in _ANCHORED:
        seen: set[tuple[int, int]] = set()
        for hit in anchor.finditer(text):
            for match in pattern.finditer(text, max(0, hit.start() - before), min(len(text), hit.end() + after)):
                if match.start() <= hit.start() and hit.end() <= match.end() and match.span() not in seen:
                    seen.add(match.span())
                    yield label, match
    for start in _START_WORDS.finditer(subject):
        for label, pattern in _STARTED[start.group(0)]:
            if lowered is None:
                pattern = re.compile(pattern.pattern, re.I)
            match = pattern.match(lowered if lowered is not None else text, start.start())
            if match:
                yield label, match


_STUDY_AFTER = re.compile(r"[ \t]*(?:trial|study|studies|cohort|protocol)\b", re.I)
_STUDY_BEFORE = re.compile(r"\b(?:trial|study|studies|phase [1-3I]+[ab]?)[ \t]*$", re.I)


def _names_a_study(text: str, match: re.Match) -> bool:
    """A code such as "ALD-102" names a trial, not a product, when "trial" or "study" is beside it."""
    return bool(re.fullmatch(r"[A-Za-z0-9-]+", match.group(0))) and bool(
        _STUDY_AFTER.match(text, match.end()) or _STUDY_BEFORE.search(text[max(0, match.start() - 40):match.start()]))


def drug_stem_spans(doc: Doc, known: set) -> Iterator[Span]:
    """Tokens that end in an INN stem ("-mab", "-tinib", "-leucel") and that the dictionary
    did not already find."""
    for index, text in enumerate(token_texts(doc)):
        if len(text) > 5 and text.lower().endswith(DRUG_STEMS) and _DRUG_WORD.fullmatch(text) \
                and text.lower() not in _NOT_DRUG:
            if (index, index + 1, "THERAPY") not in known:
                yield Span(doc, index, index + 1, label="THERAPY")


@Language.component("biomedical_patterns")
def biomedical_patterns(doc: Doc) -> Doc:
    known = {(s.start, s.end, s.label_) for s in candidates(doc)}
    found = [s for s in pattern_spans(doc, known)] + list(drug_stem_spans(doc, known))
    for start, end in made_from_spans(doc_text(doc)):
        span = doc.char_span(start, end, label="THERAPY", alignment_mode="expand")
        if span is not None and "\n" not in span.text:
            found.append(span)
    found += target_spans(doc, candidates(doc))  # targets by shape: ``target_shapes``
    candidates(doc).extend(found)
    # endpoints named as measures, read from what a results sentence does with them
    mentions = candidates(doc)
    known_outcomes = {(s.start, s.end) for s in mentions if s.label_ == "OUTCOME"}
    mentions.extend(s for s in list(measure_spans(doc, mentions)) if (s.start, s.end) not in known_outcomes)
    return doc
