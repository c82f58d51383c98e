"""Matching: normalise a message, detect its language, score it against all examples."""

from bot.matching.index import MatchIndex
from bot.matching.langdetect import detect_language
from bot.matching.matcher import Candidate, Matcher, MatchResult, Outcome, Thresholds
from bot.matching.normalize import normalize, normalize_key

__all__ = ["Candidate", "MatchIndex", "MatchResult", "Matcher", "Outcome", "Thresholds",
           "detect_language", "normalize", "normalize_key"]
