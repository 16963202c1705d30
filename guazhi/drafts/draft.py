"""The shape of a composed draft: sections of paragraphs of sentences, each sentence with the
records it comes from. Plain dataclasses with a JSON form (stored on `SummaryDraft`) and the
writing body they become (`to_blocks`). No Django.

A sentence is either a fact (with `sources`) or a prompt (`prompt=True`, text 【请…】) that the
cadre replaces with their own words; prompts carry no sources and never state facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

PROMPT_OPEN = "【请"

# What a source points at; the page turns (kind, id) into a link.
ENTRY, PROJECT, PROBLEM, CONTACT, SECONDMENT = (
    "entry",
    "project",
    "problem",
    "contact",
    "secondment",
)


@dataclass(frozen=True)
class Source:
    kind: str
    id: int
    label: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "label": self.label}


@dataclass(frozen=True)
class Sentence:
    text: str
    sources: tuple[Source, ...] = ()
    prompt: bool = False
    # Set by a wording polish: the rewording that was kept (`text` stays the original), or the
    # rejected rewording with the numbers that failed the claims check.
    polished: str = ""
    rejected: str = ""
    rejected_numbers: tuple[str, ...] = ()
    # Numbers the claims check did not find support for when the draft was generated.
    unsupported: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The wording that goes into the writing."""
        return self.polished or self.text

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "sources": [s.to_json() for s in self.sources]}
        if self.prompt:
            data["prompt"] = True
        for name in ("polished", "rejected"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        for name in ("rejected_numbers", "unsupported"):
            if getattr(self, name):
                data[name] = list(getattr(self, name))
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sentence:
        return cls(
            text=data["text"],
            sources=tuple(
                Source(s["kind"], int(s["id"]), s.get("label", "")) for s in data.get("sources", [])
            ),
            prompt=bool(data.get("prompt")),
            polished=data.get("polished", ""),
            rejected=data.get("rejected", ""),
            rejected_numbers=tuple(data.get("rejected_numbers", ())),
            unsupported=tuple(data.get("unsupported", ())),
        )


@dataclass(frozen=True)
class Paragraph:
    sentences: tuple[Sentence, ...]
    heading: str = ""  # a second-level heading before the paragraph: （一）企业帮扶

    @property
    def is_prompt(self) -> bool:
        return all(s.prompt for s in self.sentences)

    @property
    def text(self) -> str:
        return "".join(s.shown for s in self.sentences)


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Draft:
    title: str
    sections: tuple[Section, ...]
    meta: dict[str, Any] = field(default_factory=dict)

    def sentences(self) -> list[Sentence]:
        return [s for sec in self.sections for p in sec.paragraphs for s in p.sentences]

    def facts(self) -> list[Sentence]:
        return [s for s in self.sentences() if not s.prompt]

    def text(self) -> str:
        """The plain text of the draft as it would go into the writing."""
        lines = [self.title]
        for sec in self.sections:
            lines.append(sec.title)
            for p in sec.paragraphs:
                if p.heading:
                    lines.append(p.heading)
                lines.append(p.text)
        return "\n".join(lines)

    def to_blocks(self) -> list[dict[str, Any]]:
        """The writing body: headings and paragraphs, no citations (they stay on the draft
        page), prompts kept so the cadre sees what is left to write."""
        blocks: list[dict[str, Any]] = []
        for sec in self.sections:
            blocks.append({"type": "heading", "level": 1, "text": sec.title})
            for p in sec.paragraphs:
                if p.heading:
                    blocks.append({"type": "heading", "level": 2, "text": p.heading})
                blocks.append({"type": "paragraph", "text": p.text})
        return blocks

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "meta": self.meta,
            "sections": [
                {
                    "title": sec.title,
                    "paragraphs": [
                        {"heading": p.heading, "sentences": [s.to_json() for s in p.sentences]}
                        for p in sec.paragraphs
                    ],
                }
                for sec in self.sections
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        return cls(
            title=data.get("title", ""),
            meta=dict(data.get("meta", {})),
            sections=tuple(
                Section(
                    title=sec["title"],
                    paragraphs=tuple(
                        Paragraph(
                            heading=p.get("heading", ""),
                            sentences=tuple(Sentence.from_json(s) for s in p["sentences"]),
                        )
                        for p in sec["paragraphs"]
                    ),
                )
                for sec in data.get("sections", [])
            ),
        )

    def map_sentences(self, change: Any) -> Draft:
        """A copy with `change(sentence) -> sentence` applied to every sentence."""
        return replace(
            self,
            sections=tuple(
                replace(
                    sec,
                    paragraphs=tuple(
                        replace(p, sentences=tuple(change(s) for s in p.sentences))
                        for p in sec.paragraphs
                    ),
                )
                for sec in self.sections
            ),
        )
