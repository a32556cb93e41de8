"""The clinical content of triage: rule patterns, exemplars and look-alikes.

Kept apart from the matching code so a clinician can review it on its own. Patterns run
over text already normalised by :func:`bot.safety.triage.normalise` (lower case, contractions
expanded, negated words removed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bot.safety.context import ASSESSED, FEVER_GONE, LONG_AGO, PASSES
from bot.safety.crisis import CRISIS

TriageKind = Literal["emergency", "urgent", "crisis"]

_NUMB = (
    r"(numb\w*|tingl\w*|pins and needles|cannot (really |quite )?feel|lost (feeling|sensation)|"
    r"went dead|dead feeling)"
)
_SADDLE = (
    r"(groin|genital\w*|buttock\w*|bum|butt|inner thighs?|saddle|privates?|private parts|"
    r"down there|crotch|between (my )?legs|vagina\w*|penis|scrotum|anus|back passage|perineum|"
    r"when i wipe|"
    r"when (i|he|she|they) (pees?|wees?|urinates?|poos?|poops?|(goes|go) to the (toilet|bathroom))|"
    # A whole word: "bum" is not "bumped", "butt" not "button".
    r"toilet paper|below (my|the|his|her) waist)\b"
)
_CONTROL = (
    r"((lost|losing|loss of|lose|no|cannot|unable to|trouble|difficulty|problems?|hard to)"
    r" (\w+ ){0,3}(control\w* )?(\w+ ){0,2}(my )?(bladder|bowels?|pee|peeing|urinat\w*|wee|poo|"
    r"poop\w*|toilet)\b|incontinen\w*|(wet|soiled|peed|pooped) (myself|himself|herself|"
    r"themselves|my pants|the bed)|unable to pee|leak\w* (urine|pee)|pads because (i am )?leak\w*|"
    r"accidents? in (my|his|her) (pants|underwear|knickers|trousers)|"
    r"(bursting|feels full|full bladder) (\w+ ){0,5}(nothing|only (a )?few drops) "
    r"(comes?|came) out|"
    r"only (a )?few drops (come|came) out)"
)
_LEGS = (
    r"((weak\w*|numb\w*|paraly\w*|giving way|give way|gave way|buckl\w*|cannot (move|feel|lift))"
    r" (\w+ ){0,4}both (of my )?(legs|feet)|both (of my )?(legs|feet) (\w+ ){0,3}(weak\w*|numb\w*|"
    r"giving way|gave way|dead|buckl\w*|tingl\w*|buzz\w*)|legs (are|feel|went|keep) (\w+ ){0,2}"
    r"(weak|numb|dead|giving way|like jelly|like rubber)|"
    # "My legs" is both legs: "i cannot feel my legs", "he cannot move his legs".
    r"(cannot|unable to) (move|feel|lift|stand on) (my|his|her|their|your) (legs|feet)\b)"
)
_WORSENING = (
    r"((weak\w*|numb\w*) (\w+ ){0,5}(getting|gets|got|growing|becoming|spreading) (worse|weaker|"
    r"more)|(worse|worsening|increasing|progressive|spreading) (weakness|numbness)|"
    r"(numb\w*|tingl\w*|weak\w*) (\w+ ){0,4}(crept|creep\w*|spread\w* to (the other|both))\b)"
)
_FOOT_DROP = (
    r"(foot ?drop|drop foot|(foot|toes) (\w+ ){0,3}(drag\w*|slap\w*|flop\w*|flap\w*|hangs|"
    r"scuff\w*)|cannot (lift|pull up|raise) (\w+ ){0,4}(foot|toes)|trip\w* over my (own )?"
    r"(foot|feet|toes)|(catch\w*|scuff\w*) (\w+ ){0,2}toes)"
)
_TRAUMA = (
    r"(\b(i|we) (\w+ ){0,3}(fell|slipped|tripped|crashed|was hit|got hit|was rear.ended)|"
    r"(was|were|been) in (a|an) (\w+ ){0,2}(accident|crash|collision|wreck)|"
    r"(got|was|been) (rear.ended|hit|knocked down|run over)|"
    r"had (a|an) (\w+ ){0,2}(fall|accident|crash|collision|wreck)|"
    # A fall or a crash, not any "injury" ("since my back injury" is often a lifting strain).
    r"(after|since) (a|the|my|that) (\w+ ){0,2}(fall|accident|crash|collision|wreck)|"
    r"fell (off|from|down|on)|hit by (a|an) (car|truck|bike|vehicle))"
)
_BACK = r"(back|spine|spinal|neck|tailbone|lumbar)"
# After a fall: someone who stays down. "Not moving" is rewritten to "unresponsive" before
# negations are blanked (bot/safety/triage.py).
_STAYS_DOWN = (
    r"(unresponsive|unconscious|passed out|knocked out|blacked out|hit (his|her|my|their) head|"
    r"(lying|laying) (still|there|on the (floor|ground|patio|pavement|concrete|road))|"
    r"unable to (get up|stand|move))"
)
_PAIN_CONTEXT = r"(back|spine|spinal|pain|ache|aching|hurt\w*|sciatica|sore)"
_CHEST = (
    r"(chest (pain|pressure|tightness|hurts|is tight|feels (tight|heavy))|pain in (my|the) "
    r"chest|heart attack|(pain|ache|pressure) (\w+ ){0,3}(spread\w*|radiat\w*|going|moving|"
    r"shooting) (\w+ ){0,2}(to|into|down|up) (my )?(left )?(arm|jaw))"
)
# FAST (face, arms, speech, time) and the sudden worst headache: a stroke or a bleed.
_STROKE = (
    r"((face|mouth|smile|lip) (\w+ ){0,3}(droop\w*|drooping|lopsided|sagg\w*|twisted)|"
    r"(droop\w*|lopsided) (\w+ ){0,2}(face|mouth|smile)|slurr\w*|"
    r"speech (\w+ ){0,2}(garbled|slurred)|"
    r"worst headache of (my|his|her|their) life|thunderclap headache)"
)
_FEVER = (
    r"(fever\w*|(high |a )temperature|temp(erature)? of \d+|running a temp\w*|"
    r"1\d\d(\.\d)? ?(f |degrees )?(temp|fever)|(38|39|40)(\.\d)? ?(c|degrees)\b)"
)
_CHILLS = r"(chills|shiver\w*|rigors|night sweats|sweat\w* at night|drenching sweats)"
_UNWELL = (
    r"((very|really|extremely|so|terribly) (unwell|sick|ill)|feel\w* (awful|terrible|horrible|"
    r"like death)|chills|rigors|shaking|shivering|confus\w*|stiff neck|cannot get out of bed)"
)
_FICTION = (
    r"(video ?game|in (a|the) game|gaming|movie|film|on tv|show|dream\w*|novel|story|coffee|tea|"
    r"spill\w*|keyboard|typo|my phone|my laptop|cooking|recipe)"
)
_PREVENTION = r"(prevent\w*|avoid\w*|without (hurting|injuring)|risk of|chances? of|protect\w*)"


# ConText's "experiencer": a relative or friend named in a clause is who the clause is about
# until the writer speaks of themselves again ("my aunt had bone cancer so every time my back
# twinges | i panic"; "my wife pointed out | i have dropped 10 pounds"). A relative's history
# is not the writer's risk factor; their fever or their emergency still counts (a helper
# writing for them), so only the history rules are the writer's own.
RELATIVE = (
    r"\b(my|our|his|her) (dad|father|mum|mom|mother|husband|wife|son|daughter|brother|sister|"
    r"partner|friend|grandma|grandmother|grandpa|grandfather|boyfriend|girlfriend|neighbou?r|"
    r"roommate|flatmate|kid|child|baby|uncle|aunt|coworker|colleague|boss|fianc\w*|family|"
    r"parents?|relatives?|cousin|niece|nephew)\b"
)


@dataclass(frozen=True)
class Rule:
    """Red flag when every ``anchor`` and ``support`` pattern is in the recent conversation,
    at least one of them in the message itself.

    So "I fell off my bike" then, two turns later, "my back really hurts since then" is
    caught, while an earlier red flag does not colour an unrelated later question.
    """

    kind: TriageKind
    name: str
    anchors: tuple[str, ...]
    support: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    own: bool = False  # only the writer's own history counts (see RELATIVE)
    # ConText's historical and resolved modifiers apply (bot/safety/context.py). Not to
    # crisis words: "i've thought of killing myself, my counsellor asked last year" is now.
    past: bool = True
    _compiled: tuple[list[re.Pattern[str]], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        def compile_all(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
            return [re.compile(rf"\b{p}") for p in patterns]

        compiled = (compile_all(self.anchors), compile_all(self.support), compile_all(self.exclude))
        object.__setattr__(self, "_compiled", compiled)

    def excluded(self, current: str) -> bool:
        """A look-alike context ("in a video game") in the message itself."""
        return any(p.search(current) for p in self._compiled[2])

    def matches(self, current: str, conversation: str) -> bool:
        """Whether the rule fires for this message in this conversation."""
        anchors, support, _ = self._compiled
        parts = anchors + support
        return all(p.search(conversation) for p in parts) and any(p.search(current) for p in parts)


RULES: tuple[Rule, ...] = (
    Rule("crisis", "suicide or self-harm", (CRISIS,), past=False),
    Rule("emergency", "saddle numbness", (_NUMB, _SADDLE), exclude=(r"saddle sore", PASSES)),
    Rule("emergency", "bladder or bowel control", (_CONTROL,)),
    Rule(
        "emergency",
        "weakness or numbness in both legs",
        (_LEGS,),
        exclude=(r"(cross\w*|fall\w* asleep|fell asleep)",),
    ),
    Rule("emergency", "worsening weakness or numbness", (_WORSENING,)),
    Rule("emergency", "foot drop", (_FOOT_DROP,)),
    Rule(
        "emergency",
        "back pain after an injury",
        (_TRAUMA,),
        (_BACK,),
        (_FICTION, _PREVENTION, ASSESSED, LONG_AGO),
    ),
    Rule(
        "emergency",
        "a fall and someone who stays down",
        (_TRAUMA, _STAYS_DOWN),
        exclude=(_FICTION,),
    ),
    Rule("emergency", "chest pain", (_CHEST,), exclude=(_FICTION, ASSESSED)),
    Rule("emergency", "signs of a stroke", (_STROKE,), exclude=(_FICTION,)),
    Rule(
        "emergency",
        "fever and very unwell",
        (_FEVER, _UNWELL),
        (_PAIN_CONTEXT,),
        exclude=(FEVER_GONE,),
    ),
    Rule("urgent", "back pain with fever", (_FEVER,), (_PAIN_CONTEXT,), exclude=(FEVER_GONE,)),
    Rule("urgent", "back pain with chills or night sweats", (_CHILLS,), (_PAIN_CONTEXT,)),
    Rule(
        "urgent",
        "back pain with thin bones",
        (r"(osteoporo\w*|osteopeni\w*|(thin|brittle|weak) bones)",),
        (_PAIN_CONTEXT,),
        own=True,
    ),
    Rule(
        "urgent",
        "a hot swollen calf",
        (
            r"((calf|calves) (\w+ ){0,8}(swollen|swelling|puffy) (\w+ ){0,3}(warm|hot|red)|"
            r"(warm|hot|red) (\w+ ){0,3}(swollen|swelling|puffy) (\w+ ){0,3}(calf|calves))",
        ),
    ),
    Rule(
        "urgent",
        "back pain with a history of cancer",
        (
            r"((history of|had|have|survivor|treated for|diagnosed with|beat) (\w+ ){0,2}cancer|"
            r"chemo\w*|metasta\w*)",
        ),
        (_PAIN_CONTEXT,),
        own=True,
    ),
    Rule(
        "urgent",
        "back pain with unexplained weight loss",
        (
            r"((unexplained|unintentional|unexpected) (\w+ ){0,2}weight loss|(losing|lost|lose|"
            r"dropp?\w*|shed\w*) (\w+ ){0,4}(weight|pounds|lbs|kg|kilos) (\w+ ){0,3}"
            r"(unintentionally|unexplained))",
        ),
        (_PAIN_CONTEXT,),
        own=True,
    ),
    Rule(
        "urgent",
        "back pain with intravenous drug use",
        (
            r"(inject\w* (\w+ ){0,2}(drugs|heroin|meth|fentanyl)|iv drugs?|intravenous drugs?|"
            r"shoot\w* up|(iv|heroin|fentanyl|meth|drug) users?)",
        ),
        (_PAIN_CONTEXT,),
        own=True,
    ),
    Rule(
        "urgent",
        "back pain with a weakened immune system",
        (
            r"((weak|weakened|low|compromised|suppressed) immune|immunocompromised|"
            r"immunosuppress\w*|long.term steroids|hiv|transplant|(on|taking|take) (\w+ ){0,2}"
            r"(steroids|prednis\w*|dexamethasone)|(steroids|prednis\w*) for (years|months))",
        ),
        (_PAIN_CONTEXT,),
        own=True,
    ),
    Rule(
        "urgent",
        "back pain waking at night",
        (
            r"((wakes|woke|waking|wake|keeps) (\w+ ){0,2}me up|(wakes|woke|waking) me|"
            r"pain at night (\w+ ){0,3}(wake|sleep))",
        ),
        (_PAIN_CONTEXT,),
    ),
)

# The safety terms typos are snapped to (bot/safety/reading.py).
_KEY_TERMS = (
    "numb numbness tingling groin genitals genital buttock buttocks thighs saddle bladder bowel "
    "bowels urinate urine incontinence control weakness weaker legs paralysed paralyzed fever "
    "feverish chills chest suicide suicidal myself accident emergency cancer inject immune "
    "unexplained weight worse worsening unable cannot collision crashed kill overdose unresponsive "
)
KEY_TERMS: frozenset[str] = frozenset(_KEY_TERMS.split())
