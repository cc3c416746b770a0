# One target per stage; each stage's output depends on the previous stage's output and
# on the code of the stage, so `make` re-runs only what is stale.
#   make run DUMP=path/to/dumps OUT=out/mydump
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DUMP ?= corpus/dump
GOLD ?= corpus/gold
OUT ?= out/corpus
WORK := $(OUT)/work
SHARED ?= ../shared
DB ?= postgresql://postgres@127.0.0.1:5432/postgres

COMMON := $(wildcard pipeline/*.py) pipeline/stages/__init__.py
DUMP_FILES := $(shell find $(DUMP) -type f 2>/dev/null)
STAMP := $(VENV)/.installed
FUZZ_STAMP := $(VENV)/.installed-fuzz
#: seconds of fuzzing per target (ingest, clean, ner)
FUZZ_SECONDS ?= 600

.PHONY: train help setup ingest clean ner relations normalize export run test eval schema distclean bench-clean bench load convert bench-load fuzz bench-scale bench-ner-public bench-cid bench-progress

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'
	@echo "  variables: DUMP=$(DUMP) OUT=$(OUT) GOLD=$(GOLD)"

setup: $(STAMP)  ## create .venv with the pipeline and its dependencies

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,kb]'
	touch $@

$(WORK)/ingested.jsonl: $(STAMP) $(DUMP_FILES) $(COMMON) pipeline/readers.py pipeline/encoding.py pipeline/stages/ingest.py
	$(PY) -m pipeline ingest $(DUMP) --out $(OUT)

$(WORK)/cleaned.jsonl: $(WORK)/ingested.jsonl $(wildcard pipeline/cleaning/*.py) pipeline/stages/clean.py
	$(PY) -m pipeline clean --out $(OUT)

$(WORK)/entities.jsonl: $(WORK)/cleaned.jsonl $(wildcard pipeline/components/*.py) $(wildcard pipeline/knowledge/*.py) pipeline/stages/ner.py $(wildcard models/vocabulary/*) $(wildcard models/kb/*) $(wildcard models/ner/*/meta.json)
	$(PY) -m pipeline ner --out $(OUT)

$(WORK)/relations.jsonl: $(WORK)/entities.jsonl $(wildcard pipeline/relating/*.py) pipeline/stages/relations.py
	$(PY) -m pipeline relations --out $(OUT)

$(WORK)/normalized.jsonl: $(WORK)/relations.jsonl $(wildcard pipeline/normalization/*.py) $(wildcard pipeline/relating/*.py) $(wildcard pipeline/knowledge/*.py) pipeline/stages/normalize.py
	$(PY) -m pipeline normalize --out $(OUT)

$(OUT)/articles.jsonl: $(WORK)/normalized.jsonl pipeline/stages/export.py $(wildcard pipeline/writers/*.py)
	$(PY) -m pipeline export --out $(OUT)

ingest: $(WORK)/ingested.jsonl        ## read the dumps in DUMP
clean: $(WORK)/cleaned.jsonl          ## strip boilerplate, repair text, read metadata and citations
ner: $(WORK)/entities.jsonl           ## find entities
relations: $(WORK)/relations.jsonl    ## relate therapies to diseases, targets, cells, outcomes, adverse events
normalize: $(WORK)/normalized.jsonl   ## canonical names, ids and findings
export: $(OUT)/articles.jsonl         ## write articles.jsonl, articles.sqlite, rejects.jsonl, run.json
run: export                           ## set-up plus every stage on DUMP (default: the corpus)
	@$(PY) -c "import json; r=json.load(open('$(OUT)/run.json')); print(f\"{r['articles_written']} articles, {r['rejects']} rejects, {r['duplicates']} duplicates, reconciled: {r['reconciled']}\")"

eval: export  ## run on the corpus and score against its gold
	$(PY) -m pipeline eval $(OUT)/articles.jsonl $(GOLD)

test: $(STAMP) browser  ## set-up plus the whole test suite
	$(PY) -m pytest -q

schema: $(STAMP)  ## rewrite the committed JSON Schema of an article record
	$(PY) -m pipeline schema > models/article.schema.json

distclean:  ## remove outputs (not the virtual environment)
	rm -rf out

bench-clean: $(STAMP)  ## HTML extraction vs trafilatura (F1, pages/s); clean-stage memory on 1,000 and 10,000 pages
	$(PY) -m pipeline bench clean --data $(SHARED)/data
	$(PY) -m pipeline bench clean-memory --pages 1000 --pages 10000

bench-scale: $(STAMP)  ## every stage's pages and words per second, one worker, on 5,000 distinct generated pages
	$(PY) -m pipeline bench scale --pages 5000 --json out/bench-scale/report.json

bench-progress: $(STAMP)  ## 5,000 and 20,000 generated pages, stderr not a terminal: largest gap between log lines, peak memory by stage
	nice $(PY) -m pipeline bench progress --pages 5000 --pages 20000 --json out/bench-progress/report.json

#: corpora `make train` trains, one model each, one after the other (about 25 minutes each on 2 cores)
NER_CORPORA ?= bc5cdr ncbi-disease jnlpba bionlp13cg
TRAIN_MINUTES ?= 25

train: $(STAMP)  ## train the NER models in models/ner/ on the public corpora in SHARED/data (train and dev splits)
	for corpus in $(NER_CORPORA); do \
		OMP_NUM_THREADS=2 $(PY) -m pipeline train ner --corpus $$corpus --data $(SHARED)/data --max-minutes $(TRAIN_MINUTES) || exit 1; \
	done

bench: $(STAMP)  ## NER words per second on a generated 1M-word dump, with and without the models (and the tokenizer alone, same run)
	$(PY) -m pipeline bench ner --words 1000000

bench-ner-public: $(STAMP)  ## trained models and the ner stage on the public NER test sets, beside the published figures
	$(PY) -m pipeline bench ner-public --data $(SHARED)/data

load: export  ## load OUT/articles.jsonl into DB (postgresql://… or sqlite:///path); rejects in OUT/load.rejects.jsonl
	$(PY) -m pipeline load $(OUT) --db $(DB)

convert: export  ## write OUT/parquet/<table>/run=<id>/, OUT/articles.bioc.xml, .bioc.json, .pubtator
	$(PY) -m pipeline convert $(OUT)

bench-load: export  ## 10,000 generated articles into PostgreSQL (server DB) and SQLite, same run
	nice $(PY) -m pipeline bench load --articles 10000 --db $(DB)

# --- review report -------------------------------------------------------------------
.PHONY: report bench-report browser

report: export  ## static HTML review report in OUT/report/ (gold scores when GOLD exists)
	$(PY) -m pipeline report $(OUT) $(if $(wildcard $(GOLD)/*.json),--gold $(GOLD))

bench-report: export  ## report over 10,000 records replicated from OUT: build time < 60 s, index < 2 MB
	nice $(PY) -m pipeline bench report --articles 10000 --from $(OUT)

browser:  ## headless Chromium and its driver from Debian's packages, for the browser test
	command -v chromium && command -v chromedriver || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver)

$(FUZZ_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[fuzz]'
	touch $@

fuzz: $(FUZZ_STAMP)  ## fuzz ingest, clean and ner for FUZZ_SECONDS each (atheris; niced); findings in out/fuzz
	nice -n 19 $(PY) -m pipeline.fuzzing --seconds $(FUZZ_SECONDS) --work out/fuzz

bench-reposts: $(STAMP)  ## 3,000 reposted pages through the pipeline, keep and collapse: no article lost
	$(PY) -m pipeline bench reposts --pages 3000

bench-cid: $(STAMP)  ## BC5CDR chemical-induced disease pairs (test split, own MeSH ids) beside the co-occurrence baseline
	$(PY) -m pipeline bench cid --data $(SHARED)/data --split $(or $(SPLIT),test) --json out/bench-cid/$(or $(SPLIT),test).json
