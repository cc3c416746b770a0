"""Biomedical news pipeline: dumps of news pages in, normalized article records out."""
import warnings

# scispaCy's AbbreviationDetector warns (W036) on every page without abbreviations.
warnings.filterwarnings("ignore", message=r".*\[W036\].*")

__version__ = "0.1.0"
