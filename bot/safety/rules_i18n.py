"""High-precision red-flag and crisis patterns in Spanish and Chinese, for clinician review.

Many of the clinic's patients write in Spanish or Chinese; the bundled embedding model reads
English best, so these patterns are the reliable layer for those languages (the classifier
also learned from Spanish and Chinese development messages). Patterns run over text folded
by :func:`bot.safety.text.fold`: lower case, accents removed ("orinar", "perdi").
"""

from __future__ import annotations

import re

from bot.safety.rules import TriageKind

_ES: dict[TriageKind, tuple[str, ...]] = {
    "crisis": (
        r"suicid",
        r"matarme",
        r"quitarme la vida",
        r"quiero morir",
        r"(no quiero|ya no quiero) (seguir )?(vivir|viviendo|estar aqui)",
        r"acabar con (mi vida|todo)",
        r"(hacerme|me hago) dano",
        r"cortarme",
        r"mejor (muerto|muerta)",
        r"no vale la pena vivir",
        r"dormir y no despertar",
        r"no (volver a )?despertar(me)? (nunca|mas|jamas)|no abrir los ojos nunca",
        r"(soy|me siento) (un|una) (estorbo|carga)",
        r"(dios|diosito|senor) (\w+ ){0,3}(me lleve|llevarme)",
    ),
    "emergency": (
        r"no (puedo|puede|pude) (orinar|hacer pis|mear)",
        r"no (puedo|puede|pude) controlar (la |mi |el )?(orina|vejiga|intestino|esfinter|pis)",
        r"(perdi|pierdo|perdio|perdiendo|sin) (el )?control (de )?(la |mi |el )?"
        r"(vejiga|orina|intestino|esfinter)",
        r"(me orine|se orino|me hice pis) (encima|sin darme cuenta)",
        r"incontinencia",
        r"(entumecid|adormecid|dormid|insensib)\w* (\w+ ){0,4}(ingle|entrepierna|genitales|nalgas|"
        r"entre las piernas|zona intima|partes intimas)",
        r"(ingle|entrepierna|genitales|nalgas|entre las piernas) (\w+ ){0,4}(entumecid|adormecid|"
        r"dormid|insensib)\w*",
        r"no siento (nada )?(\w+ ){0,3}(ingle|entrepierna|genitales|nalgas|entre las piernas|"
        r"al limpiarme|cuando me limpio)",
        r"(ambas|las dos) piernas (\w+ ){0,3}(debiles|entumecidas|dormidas|no responden)",
        r"pie caido|arrastr\w* (el|un) pie",
        r"dolor (en el|de) pecho|opresion en el pecho|infarto|ataque al corazon",
        r"(me cai|se cayo|cayo) (de|del|desde|por) (la |el |una |un )?"
        r"(escalera|techo|tejado|altura|caballo|andamio)",
        r"accidente de (coche|carro|auto|moto|trafico)",
    ),
}

_ZH: dict[TriageKind, tuple[str, ...]] = {
    "crisis": (
        r"自杀|自殺|想死|不想活|轻生|輕生|活不下去|活着没意思|活著沒意思|结束(自己的)?生命|"
        r"結束(自己的)?生命|一了百了|割腕|了结自己|伤害自己|傷害自己|不如死|"
        r"活着\S{0,4}意思|活著\S{0,4}意思|熬不住|没有我你们|沒有我你們|干脆结束|乾脆結束|"
        r"存\S{0,4}(安眠药|安眠藥|止痛药|止痛藥)",
        # The warning signs the English rules name (988 Lifeline, NIMH): feeling a burden,
        # others better off without me, wanting it all to end, sleeping and never waking.
        r"(我|自己)\S{0,6}(负担|負擔|累赘|累贅)|拖累(大家|家人|家里|家裡|你们|你們)|"
        r"没有我\S{0,8}(更好|好过|好過)|沒有我\S{0,8}(更好|好過)|"
        r"(想|怎么|怎麼|如何|就)\S{0,4}(结束这一切|結束這一切)|"
        r"(睡着|睡著|睡过去|睡過去)\S{0,4}(不醒|别醒|別醒|醒不过来|醒不過來)",
    ),
    "emergency": (
        r"大小便失禁|小便失禁|大便失禁|尿失禁|尿不出|解不出小便|控制不住(小便|大便|排尿|大小便)|"
        r"(会阴|會陰|马鞍|馬鞍|裆部|襠部|下身|私处|私處|屁股|大腿内侧|大腿內側)\S{0,4}(麻木|没有感觉|沒有感覺|失去知觉)|"
        r"(双腿|雙腿|两条腿|兩條腿|两腿|兩腿)\S{0,4}(无力|無力|麻木|没力|沒力)|"
        r"足下垂|抬不起(脚|腳)|胸痛|胸口(痛|疼|闷|悶|压|壓)|心脏病发作|心臟病發作|心梗|"
        r"从\S{0,6}(摔|掉)下|從\S{0,6}(摔|掉)下|车祸|車禍",
    ),
}

_COMPILED: dict[str, list[tuple[TriageKind, re.Pattern[str]]]] = {
    lang: [(kind, re.compile(p)) for kind, patterns in table.items() for p in patterns]
    for lang, table in (("es", _ES), ("zh", _ZH))
}


def match(folded: str, language: str) -> tuple[TriageKind, str] | None:
    """The most serious red flag of ``language`` (es or zh) in ``folded`` text, with its pattern.

    English text is left to the English rules: "i'm not suicidal" must not match "suicid".
    """
    found: tuple[TriageKind, str] | None = None
    for kind, pattern in _COMPILED.get(language, []):
        if pattern.search(folded):
            if kind == "crisis":
                return kind, pattern.pattern
            found = found or (kind, pattern.pattern)
    return found
