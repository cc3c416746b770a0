"""Dictionary features for the trained NER models: each token's place in the longest
knowledge-base match, written to ``token.tag_`` as ``B-LABEL`` / ``I-LABEL`` (empty
outside any match) so that a ``MultiHashEmbed`` listing ``TAG`` among its attributes
embeds it beside the word's own features.

Gazetteer features of this kind are the classic way to give a statistical tagger what a
dictionary knows (Ratinov & Roth 2009, "Design challenges and misconceptions in named
entity recognition"; in biomedical NER Leaman & Gonzalez 2008, BANNER). The model still
decides: a match is evidence, not a mention. Matches are found by ``KbMatcher``'s
longest-key lookup; overlaps keep the longest, then the leftmost.

In training, every form annotated in the training data that the knowledge base learnt
from is found, but at run time many are not: a model would learn to trust the feature
more than it should. ``kb_feature_dropout`` (an augmenter for the training corpus) marks
training docs so that each match is left out with some probability, the feature-level
counterpart of word dropout; nothing is dropped outside training.

A pipeline that uses this component reads the knowledge base in ``models/kb`` when it is
built; the model does not store it.
"""
from __future__ import annotations

import random
from typing import Callable, Iterator, Optional

from spacy.language import Language
from spacy.training import Example
from spacy.util import registry
from spacy.tokens import Doc

from ..knowledge.kb import KB_FILE, load_kb
from .kb_matcher import KbMatcher, _segments
from .line_sentencizer import token_texts

OUTSIDE = ""
#: ``doc.user_data`` key: the probability of leaving a match out (training docs only)
DROP = "kb_features_drop"


class KbFeatures:
    def __init__(self, matcher: KbMatcher):
        self.matcher = matcher

    def __call__(self, doc: Doc) -> Doc:
        texts = token_texts(doc)
        tags = [OUTSIDE] * len(doc)
        drop = doc.user_data.get(DROP, 0.0)
        for segment in _segments(texts):
            matches = self.matcher._match(doc, segment, [texts[i] for i in segment])
            # longest first, then leftmost: the tag is the label of the match a reader would take
            for span in sorted(matches, key=lambda s: (s.start - s.end, s.start)):
                if any(tags[i] for i in range(span.start, span.end)):
                    continue
                if drop and random.random() < drop:
                    continue
                tags[span.start] = "B-" + span.label_
                for i in range(span.start + 1, span.end):
                    tags[i] = "I-" + span.label_
        # every token is set: a training doc is tagged again at each epoch
        for token, tag in zip(doc, tags):
            token.tag_ = tag
        return doc


@Language.factory("kb_features", default_config={"kb_file": None})
def make_kb_features(nlp: Language, name: str, kb_file: Optional[str]) -> KbFeatures:
    from pathlib import Path
    return KbFeatures(KbMatcher(load_kb(Path(kb_file) if kb_file else KB_FILE)))


@registry.augmenters("pipeline.kb_feature_dropout.v1")
def kb_feature_dropout(rate: float) -> Callable[[Language, Example], Iterator[Example]]:
    """Marks each training doc so that ``kb_features`` leaves out each match with
    probability ``rate``."""
    def augment(nlp: Language, example: Example) -> Iterator[Example]:
        example.predicted.user_data[DROP] = rate
        yield example
    return augment
