"""Every canned sentence the bot says, built from the clinic profile in the settings.

The clinic's name, its clinician, phone, booking link and emergency number come from
``Settings``; nothing here names a clinic or a person directly, so another clinic changes
only its environment variables.
"""

from __future__ import annotations

from bot.config import Settings
from bot.safety.language import Language
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

    def no_answer(self, subject: str | None = None) -> str:
        """No article answers the question: say so, naming its subject, rather than guess."""
        about = subject or "that"
        return (
            f"I don't have an article about {about}, so I'd rather not guess. "
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

    def safety(
        self, kind: TriageKind, language: Language = "en", someone_else: bool = False
    ) -> str:
        """The crisis, emergency or urgent message, in the visitor's language.

        When the person in danger is someone else ("my dad fell and isn't moving"), the
        emergency message speaks to the helper.
        """
        number = self._s.emergency_number
        if language != "en":
            return _FOREIGN_SAFETY[language][kind].format(number=number)
        if kind == "emergency" and someone_else:
            return (
                "What you describe can be a sign of a serious problem that needs medical care "
                f"right away. Please call {number} for them now, or take them to the nearest "
                "emergency room if it is safe to do so. Don't move someone who has fallen and "
                "may have hurt their back or neck; stay with them until help arrives."
            )
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

    def safety_net(self) -> str:
        """Added to an answer when a message might hold a warning sign."""
        return (
            f"Please seek care right away (call {self._s.emergency_number} or go to the "
            "nearest emergency room) if you notice numbness in the groin or inner thighs, new "
            "trouble controlling your bladder or bowels, weakness in your legs that is getting "
            "worse, chest pain, or back pain after a fall or accident."
        )

    def crisis_net(self) -> str:
        """Added to an answer when a message might speak of not wanting to live."""
        return (
            "If you are having thoughts of ending your life or harming yourself, please call "
            f"or text 988 (Suicide & Crisis Lifeline) any time, or call {self._s.emergency_number} "
            "if you are in danger now."
        )

    def english_only(self, language: Language) -> str:
        """The reply to a message in Spanish or Chinese that needs no safety message."""
        phone = self._s.phone or self._s.booking_url
        return _FOREIGN_ONLY_ENGLISH[language].format(phone=phone, number=self._s.emergency_number)


_FOREIGN_SAFETY: dict[str, dict[TriageKind, str]] = {
    "es": {
        "emergency": "Lo que describe puede ser una señal de un problema grave que necesita "
        "atención médica de inmediato. Llame al {number} o vaya ahora a la sala de emergencias "
        "más cercana. No espere a una cita.",
        "urgent": "Lo que describe debe ser revisado por un médico hoy. Llame a su médico ahora "
        "o vaya a una clínica de atención urgente. Si empeora, llame al {number}.",
        "crisis": "Siento mucho que esté pasando por esto, y me alegra que me lo haya contado. "
        "No tiene que enfrentarlo solo. Llame o envíe un mensaje de texto al 988 (Línea 988 de "
        "Prevención del Suicidio y Crisis; oprima 2 para español), gratis, las 24 horas. Si "
        "está en peligro inmediato, llame al {number} ahora.",
    },
    "zh": {
        "emergency": "您描述的情况可能是需要立即就医的严重问题。请立即拨打 {number} 或前往最近的"
        "急诊室。请不要等待预约。",
        "urgent": "您描述的情况需要今天就请医生检查。请现在联系您的医生或前往紧急护理诊所。"
        "如果情况加重，请拨打 {number}。",
        "crisis": "听到您正在经历这些，我真的很难过，也谢谢您愿意说出来。您并不孤单。请拨打或"
        "发短信至 988（988 自杀与危机生命线，免费，24 小时开放，可提供中文口译）。如果您有"
        "立即的危险，请现在拨打 {number}。",
    },
}

_FOREIGN_ONLY_ENGLISH: dict[str, str] = {
    "es": "Lo siento, este asistente solo responde en inglés. Para hablar con la clínica en "
    "español, llame al {phone}. Si tiene una emergencia, llame al {number}.",
    "zh": "抱歉，本助手目前只能用英文回答。如需用中文咨询诊所，请致电 {phone}。如遇紧急情况，"
    "请拨打 {number}。",
}
