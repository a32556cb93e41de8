"""Every canned sentence the bot says, built from the clinic profile in the settings.

The clinic's name, its clinician, phone, booking link and emergency number come from
``Settings``; nothing here names a clinic or a person directly, so another clinic changes
only its environment variables.
"""

from __future__ import annotations

from bot.config import Settings
from bot.safety.rules import TriageKind
from bot.safety.scope import Advice

SUGGESTIONS = (
    "How does acupuncture help back pain?",
    "What happens at my first visit?",
    "How can I avoid hurting my back again?",
)

_ADVICE = {
    Advice.DIAGNOSIS: "I can't tell what is causing your symptoms; only a clinician who "
    "examines you can make a diagnosis.",
    Advice.DOSE: "I can't recommend a dose of any medicine, herb or supplement.",
    Advice.MEDICATION: "I can't advise on starting, stopping or changing any medication; "
    "please keep taking your medicines as prescribed and ask the clinician who prescribed them.",
    Advice.CURE: "I can't promise that any treatment cures a disease.",
}

THANKS = "You're welcome! Is there anything else you'd like to know?"


class Replies:
    """The wording of every reply that is not an article's own sentences."""

    def __init__(self, settings: Settings) -> None:
        self._s = settings

    def contact(self) -> str:
        """How to reach the clinic: the booking link and, if set, the phone."""
        phone = f" or call us at {self._s.phone}" if self._s.phone else ""
        return f"book online at {self._s.booking_url}{phone}"

    def welcome(self) -> str:
        """The greeting: who the bot is and what it can help with."""
        return (
            f"Hello! I'm the {self._s.clinic_name} assistant. I can answer questions "
            "from our articles about back pain, how acupuncture works, what to expect at your "
            "first visit, and how to prevent injury. What would you like to know?"
        )

    def out_of_scope(self) -> str:
        """A polite refusal for anything that is not about the clinic or its articles."""
        return (
            "I'm sorry, I can only help with questions about our clinic and its articles: back "
            "pain, how acupuncture works, what to expect at your first visit, and how to "
            "prevent injury."
        )

    def booking(self) -> str:
        """The reply to a request to book."""
        return f"We'd be glad to see you. You can {self.contact()}."

    def front_desk(self) -> str:
        """Prices, insurance, hours, directions: questions only the front desk can answer."""
        phone = f"call us at {self._s.phone}" if self._s.phone else "contact us"
        return (
            "I don't have an article about that. Our front desk can help with prices, "
            f"insurance, opening hours and directions: please {phone} or visit "
            f"{self._s.booking_url}."
        )

    def no_answer(self) -> str:
        """No article answers the question: say so rather than guess."""
        return (
            "I don't have an article about that, so I'd rather not guess. "
            f"{self._s.clinician_name} can answer your question in person: {self.contact()}."
        )

    def clinician(self) -> str:
        """The referral that closes every advice reply."""
        return (
            f"{self._s.clinician_name} or your own doctor can advise you personally: "
            f"{self.contact()}."
        )

    def advice(self, kind: Advice, general: str | None = None) -> str:
        """Decline individual advice; ``general`` article content may follow the refusal."""
        if general is None:
            return f"{_ADVICE[kind]} {self.clinician()}"
        return f"{_ADVICE[kind]} In general, our articles say: {general} {self.clinician()}"

    def safety(self, kind: TriageKind) -> str:
        """The crisis, emergency or urgent message."""
        number = self._s.emergency_number
        if kind == "crisis":
            return (
                "I'm really sorry you're going through this, and I'm glad you told me. You "
                "don't have to face it alone. Please call or text 988 to reach the 988 Suicide "
                f"& Crisis Lifeline, free and open 24 hours a day. If you are in immediate "
                f"danger, call {number} now."
            )
        if kind == "emergency":
            return (
                "What you describe can be a sign of a serious problem that needs medical care "
                f"right away. Please call {number} or go to the nearest emergency room now. "
                "Please don't wait for an appointment."
            )
        return (
            "What you describe should be checked by a doctor today. Please call your doctor "
            "now or go to an urgent care clinic. If it gets worse, or you notice new "
            "weakness, numbness, or trouble controlling your bladder or bowels, call "
            f"{number} or go to the nearest emergency room."
        )
