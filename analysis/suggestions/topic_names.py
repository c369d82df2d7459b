"""Topic names written by the configured generator (``topic_generated_names``).

The model sees a topic's keywords and example posts and one worked answer; what it writes
is used only when :func:`analysis.topics.edits.relabel_topics` finds it short and made of
the topic's own words, so the phrase name stays where a small model rambles or invents.
"""

from __future__ import annotations

from analysis.suggestions.generators import GenerationOptions, Generator, make_generator
from analysis.topics.edits import TopicNamer, relabel_topics
from loaders.config import Settings

SYSTEM = (
    "You name topics of customer posts for a marketer. Answer with a short noun phrase of "
    "two to four words taken from the posts, lower case, nothing else."
)
EXAMPLE = (
    "Keywords: bag, luggage, lost, delayed bag, baggage\n"
    "Posts:\n- lost my bag again on the flight to denver\n- still no sign of my luggage",
    "lost luggage",
)
OPTIONS = GenerationOptions(max_new_tokens=12, temperature=0.0, stop=("\n",))


def generator_namer(settings: Settings, generator: Generator | None = None) -> TopicNamer | None:
    """A namer over ``generator`` (default: the configured one); None for the template one."""
    generator = generator or make_generator(settings)
    if generator is None:
        return None

    def name(keywords: list[str], examples: list[str]) -> str:
        posts = "\n".join(f"- {text[:200]}" for text in examples[:3])
        prompt = f"Keywords: {', '.join(keywords[:6])}\nPosts:\n{posts}"
        return generator.generate(SYSTEM, prompt, OPTIONS, examples=[EXAMPLE])

    return name


def name_topics_with_generator(settings: Settings, generator: Generator | None = None) -> int:
    """Give the current topics generated names where usable; how many changed."""
    namer = generator_namer(settings, generator)
    return relabel_topics(settings, namer) if namer else 0
