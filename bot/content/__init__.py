"""Content: the validated topics, contacts and intents that answers come from."""

from bot.content.loader import LoadResult, load_content
from bot.content.problems import Problem
from bot.content.render import render_answer
from bot.content.tree import INTENT_IDS, ContentTree

__all__ = ["INTENT_IDS", "ContentTree", "LoadResult", "Problem", "load_content",
           "render_answer"]
