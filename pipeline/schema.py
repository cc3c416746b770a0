"""The pipeline's single schema: one pydantic model for each stage's record.

Stage records flow one way::

    RawDocument -> CleanDocument -> EntityDocument -> RelationDocument -> ArticleRecord

Every stage may also emit a ``Reject`` (input that could not become a record, with the
reason) and ingest and clean may emit a ``Duplicate`` (an exact or near copy of a page
already read).
``ArticleRecord`` is the output contract (``shared/CONTRACT.md``): fields may be added,
never renamed or dropped.
"""
from __future__ import annotations

from enum import Enum
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .keys import article_key as content_key

SCHEMA_VERSION = "1"

Label = Literal["THERAPY", "CELL_TYPE", "ANTIGEN", "DISEASE", "OUTCOME", "ADVERSE_EVENT"]
RelationType = Literal["TREATS", "TARGETS", "USES_CELL_TYPE", "HAS_OUTCOME", "CAUSES_ADVERSE_EVENT"]
DurationUnit = Literal["day", "week", "month", "year"]

#: the (head label, tail label) each relation type links
RELATION_SIGNATURES: dict[str, tuple[str, str]] = {
    "TREATS": ("THERAPY", "DISEASE"),
    "TARGETS": ("THERAPY", "ANTIGEN"),
    "USES_CELL_TYPE": ("THERAPY", "CELL_TYPE"),
    "HAS_OUTCOME": ("THERAPY", "OUTCOME"),
    "CAUSES_ADVERSE_EVENT": ("THERAPY", "ADVERSE_EVENT"),
}


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(Record):
    path: str = Field(description="where the page came from; archive members as 'archive.zip!member'")
    id: str = Field(description="the dump's own id, else the file stem")
    url: Optional[str] = None


class ContentType(str, Enum):
    TEXT = "text"
    HTML = "html"


class RejectReason(str, Enum):
    EMPTY = "empty"
    BINARY = "binary"
    UNDECODABLE = "undecodable"
    OVERSIZED = "oversized"
    MALFORMED_JSON = "malformed_json"
    MISSING_CONTENT = "missing_content"
    CORRUPT_ARCHIVE = "corrupt_archive"
    UNSUPPORTED_TYPE = "unsupported_type"
    UNREADABLE = "unreadable"
    NO_BODY_TEXT = "no_body_text"
    INVALID_RECORD = "invalid_record"
    PROCESSING_ERROR = "processing_error"
    # limits and hostile input: one page's problem is that page's reject, never the run's
    TOO_LONG = "too_long"                    # text over the documented per-page length limit
    TOO_DEEP = "too_deep"                    # nesting (JSON, HTML) over the documented depth limit
    INVALID_UNICODE = "invalid_unicode"      # lone surrogates or other text that cannot be encoded
    INVALID_URL = "invalid_url"
    INVALID_FIELD = "invalid_field"          # a dump field of the wrong type ("text": 123)
    TIMEOUT = "timeout"                      # the per-page time budget was spent
    ENCRYPTED = "encrypted"                  # an encrypted archive member
    UNSUPPORTED_COMPRESSION = "unsupported_compression"  # e.g. a deflate64 zip member
    NOT_REGULAR_FILE = "not_regular_file"    # FIFO, device, socket
    SYMLINK = "symlink"                      # a link pointing outside the input roots (never followed)
    DUPLICATE_ID = "duplicate_id"            # a dump id already given to another page
    NOT_ENGLISH = "not_english"


class Reject(Record):
    """An input that could not become a record; written to ``rejects.jsonl``."""

    source: Source
    stage: str
    reason: RejectReason
    detail: str = ""
    doc_id: Optional[str] = None


class Duplicate(Record):
    """A copy of a page read earlier in the same run: an exact copy (ingest), counted and
    not processed, or a near-duplicate (clean: a repost, a re-crawl, a syndicated copy)
    of its cluster's canonical page."""

    source: Source
    doc_id: str
    duplicate_of: Source
    kind: Literal["exact", "near"] = "exact"
    similarity: Optional[float] = Field(None, description="estimated Jaccard similarity of the word shingles "
                                                          "to the canonical page (near-duplicates)")
    kept: bool = Field(False, description="the copy was also cleaned into a record (near-duplicates kept); "
                                          "such entries are reported, not counted as duplicates")


class RawDocument(Record):
    """A page as read from a dump: decoded, not yet cleaned."""

    doc_id: str
    source: Source
    content_type: ContentType
    content: str
    title: Optional[str] = Field(None, description="a title the dump supplied, if any")
    encoding: str = Field(description="the encoding the bytes were decoded with")
    warnings: list[str] = Field(default_factory=list)


class PageLines(Record):
    """A page reduced to text lines (HTML main content extracted, Unicode repaired,
    broken lines re-joined), with the metadata the page's markup gave: the clean
    stage's first pass, from which site templates are learned."""

    doc_id: str
    source: Source
    site: str = Field(description="the key pages are grouped by to learn templates")
    lines: list[str]
    title: Optional[str] = None
    published: Optional[str] = None
    site_name: Optional[str] = None
    encoding: str = "utf-8"
    warnings: list[str] = Field(default_factory=list)


class Citation(Record):
    doi: Optional[str] = None
    journal: Optional[str] = None
    year: Optional[int] = None
    authors: list[str] = Field(default_factory=list)
    title: Optional[str] = None


class CleanDocument(Record):
    """A page reduced to its article body, with metadata read from the page."""

    doc_id: str
    source: Source
    title: Optional[str] = None
    published: Optional[str] = Field(None, description="ISO YYYY-MM-DD")
    site: Optional[str] = None
    section: Optional[str] = None
    journal: Optional[str] = Field(None, description="the journal the article reports on")
    text: str
    citations: list[Citation] = Field(default_factory=list)
    encoding: str = "utf-8"
    warnings: list[str] = Field(default_factory=list)


class Normalized(Record):
    id: Optional[str] = Field(None, description="a CURIE such as MESH:D015451, or null")
    name: str = Field(min_length=1)
    xrefs: Optional[list[str]] = Field(None, description="the same concept's CURIEs in other vocabularies "
                                                         "(a drug's MeSH id beside its DrugBank id), or null")


class Entity(Record):
    id: str
    label: Label
    text: str
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    negated: bool = False
    normalized: Optional[Normalized] = None


class EntityDocument(CleanDocument):
    entities: list[Entity] = Field(default_factory=list)


class Evidence(Record):
    start: int = Field(ge=0)
    end: int = Field(gt=0)


class Relation(Record):
    type: RelationType
    head: str
    tail: str
    evidence: Evidence


class RelationDocument(EntityDocument):
    relations: list[Relation] = Field(default_factory=list)


class FollowUp(Record):
    value: Union[int, float]
    unit: DurationUnit


class StatedValue(Record):
    """A number the article states for a result: "73%", "11.9 months", "HR 0.66"."""
    value: Union[int, float]
    unit: Optional[str] = Field(None, description="'%', a duration unit, or null for a bare number")
    evidence: Evidence


class OutcomeResult(Record):
    """An outcome as a finding reports it: its canonical name, the mention it was read
    from, and what the article says of it."""
    name: str
    entity: str = Field(description="id of the OUTCOME entity")
    negated: bool = False
    result: Optional[StatedValue] = None


class AdverseEventResult(Record):
    name: str
    entity: str = Field(description="id of the ADVERSE_EVENT entity")
    negated: bool = False
    grade: Optional[str] = Field(None, description="'3', '3-4', '>=3' as stated")
    result: Optional[StatedValue] = Field(None, description="the share or count of patients, as stated")


class AgeStated(Record):
    """The patients' age as stated: one age, a median or mean, or a range."""
    kind: Literal["single", "median", "mean", "range"]
    value: Optional[Union[int, float]] = None
    low: Optional[Union[int, float]] = None
    high: Optional[Union[int, float]] = None
    unit: DurationUnit = "year"
    evidence: Evidence


class Finding(Record):
    therapy: str = Field(min_length=1)
    therapy_id: Optional[str] = None
    disease: Optional[str] = None
    disease_id: Optional[str] = None
    target: Optional[str] = None
    cell_types: list[str] = Field(default_factory=list)
    outcomes: list[str] = Field(default_factory=list)
    adverse_events: list[str] = Field(default_factory=list)
    patients: Optional[int] = Field(None, ge=0)
    follow_up: Optional[FollowUp] = None
    therapy_entity: Optional[str] = Field(None, description="id of the therapy's first mention")
    disease_entity: Optional[str] = Field(None, description="id of the disease's first mention")
    outcome_results: list[OutcomeResult] = Field(default_factory=list)
    adverse_event_results: list[AdverseEventResult] = Field(default_factory=list)
    patients_evidence: Optional[Evidence] = None
    follow_up_evidence: Optional[Evidence] = None
    age: Optional[AgeStated] = None
    phase: Optional[str] = Field(None, description="trial phase as stated: '1', '1/2', '2', '3', '4'")
    trial: Optional[str] = Field(None, description="trial name as stated: 'ZUMA-7', 'CARTITUDE-1'")
    citation: Optional[str] = Field(None, description="DOI of the paper the article reports")


class LinkedEntity(Entity):
    normalized: Normalized


class ArticleRecord(Record):
    """One line of ``articles.jsonl``: the output contract."""

    schema_version: str = SCHEMA_VERSION
    doc_id: str
    article_key: Optional[str] = Field(None, description="sha256 of the cleaned title and body, whitespace-normalized: "
                                       "the same article re-crawled through other boilerplate keeps it")
    source: Source
    title: Optional[str] = None
    published: Optional[str] = None
    site: Optional[str] = None
    section: Optional[str] = None
    journal: Optional[str] = None
    text: str
    citations: list[Citation] = Field(default_factory=list)
    entities: list[LinkedEntity] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _keyed_by_content(self) -> "ArticleRecord":
        if self.article_key is None:
            self.article_key = content_key(self.title, self.text)
        return self


class StageStats(Record):
    stage: str
    read: int = 0
    written: int = 0
    rejected: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    processed: Optional[int] = Field(None, description="records the stage ran on in this run (the others were reused)")
    reused: int = Field(0, description="records whose output an earlier run of the same version, code and models "
                                       "had made for the same input, taken as it was")
    engine: Optional[str] = Field(None, description="where the stage ran: serial, processes or dask")
    workers: Optional[int] = Field(None, description="processes (or Dask threads) the stage ran on")


class RunReport(Record):
    """``run.json``: per-stage counts and the reconciliation of inputs with outputs."""

    inputs: list[str]
    stages: list[StageStats]
    inputs_read: int
    articles_written: int
    rejects: int
    duplicates: int
    reconciled: bool
    near_duplicates: int = Field(0, description="pages the clean stage found to be near-duplicates of an earlier "
                                                "page, kept as records or counted in duplicates")
    reject_reasons: dict[str, int] = Field(default_factory=dict)
    complete: bool = Field(False, description="written last, after every other output of the run was in place: "
                                              "the files beside it are the run it describes")
    pipeline_version: Optional[str] = Field(None, description="the package version that wrote the report")
    kb_sha256: Optional[str] = Field(None, description="SHA-256 of the knowledge base (models/kb/kb.msgpack.gz)")
    engine: Optional[str] = Field(None, description="the stages' engine (serial, processes, dask), 'mixed' if they "
                                                   "differ")
    workers: Optional[int] = Field(None, description="the stages' workers (the largest, if they differ)")
    pages_processed: Optional[int] = Field(None, description="pages ner (the first stage that reuses) ran on in this "
                                                           "run: new pages and pages whose cleaned text changed")
    pages_reused: int = Field(0, description="pages whose ner output an earlier run had made, reused")
    started: Optional[str] = Field(None, description="when ingest began, ISO 8601 UTC")
    finished: Optional[str] = Field(None, description="when the report was written, ISO 8601 UTC")


def article_json_schema() -> dict:
    """The JSON Schema of an ``articles.jsonl`` line, as downstream databases load it."""
    return ArticleRecord.model_json_schema()


class Concept(Record):
    """One entry of a compiled vocabulary in ``models/``: a concept, its label, its
    ontology id and the surface forms it is written with."""

    label: Label
    name: str = Field(min_length=1)
    id: Optional[str] = None
    aliases: list[str] = Field(default_factory=list)
    ae_capable: bool = Field(False, description="a sign or symptom: an ADVERSE_EVENT where the text reports toxicity")
    kind: Optional[str] = Field(None, description="a source's sub-class, used when compiling (e.g. 'protein')")
    xrefs: list[str] = Field(default_factory=list, description="the same concept's CURIEs in other vocabularies")

    @property
    def key(self) -> str:
        return f"{self.label}|{self.name}"


class Journal(Record):
    """One entry of ``models/journals.jsonl``: a journal's abbreviation (NLM style) and
    the other names articles call it by."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
