"""High-precision red-flag, urgent and crisis patterns in Spanish and Chinese, for review.

Many of the clinic's patients write in Spanish or Chinese; the bundled embedding model reads
English best, so these patterns are the reliable layer for those languages (the classifier
also learned from Spanish and Chinese development messages). Patterns run over text folded
by :func:`bot.safety.text.fold`: lower case, accents removed ("orinar", "perdi").
"""

from __future__ import annotations

import re

from bot.safety.rules import TriageKind

# Urgent signs, read only beside back pain (_PAIN): a fever or chills (a spinal infection),
# injecting drugs, weight lost without trying. (Thin bones are left to the classifier: whose
# bones they are, the writer's or a parent's, needs ConText's experiencer.)
_ES_URGENT = (
    r"fiebre|calentura|escalofrios|sudores (nocturnos|en la noche|de noche)|"
    r"temperatura (alta|de (38|39|40))",
    r"(me inyecto|se inyecta|inyectar(me|se)|uso|usa) (\w+ ){0,2}(drogas|heroina|fentanilo)",
    r"(baje|bajo|perdi|perdio|he perdido|ha perdido) (\w+ ){0,3}(kilos|peso) sin "
    r"(querer|hacer dieta|razon|motivo)",
)
_ZH_URGENT = (
    r"发烧|發燒|发热|發熱|高烧|高燒|寒战|寒戰|寒顫|发冷|發冷|盗汗|盜汗",
    r"(注射|打)\S{0,2}(毒品|海洛因)|吸毒",
    r"(不明原因|莫名其妙|没减肥|沒減肥)\S{0,6}(瘦|体重下降|體重下降|掉了?\S{0,3}(斤|公斤))",
)
_PAIN = {
    "es": re.compile(r"espalda|columna|lumbar|cintura|ciatica|dolor|duele"),
    "zh": re.compile(r"腰|背|脊|骨|痛|疼"),
}
# ConText's resolved modifier for a fever: it has gone.
_FEVER_GONE = {
    "es": re.compile(
        r"ya no (tengo|tiene) fiebre|(se (me |le )?quito|bajo|paso) la fiebre|"
        r"la fiebre (ya )?(se (me |le )?)?(quito|paso|bajo)|sin fiebre desde"
    ),
    "zh": re.compile(r"烧退|燒退|退烧了|退燒了|不烧了|不燒了|没再发烧|沒再發燒"),
}

_ES: dict[TriageKind, tuple[str, ...]] = {
    "crisis": (
        r"suicid",
        r"matarme",
        r"quitarme la vida",
        # "me quiero morir de la verguenza" is an idiom (NegEx's pseudo-triggers), not a wish.
        r"quiero morir(me)?(?! de (la |el )?(verguenza|pena|risa|hambre|sueno|calor|frio|"
        r"aburrimiento|nervios|ganas|envidia))",
        r"(no quiero|ya no quiero) (seguir )?(vivir|viviendo|estar aqui)",
        r"acabar con (mi vida|todo)",
        r"(hacerme|me hago) dano",
        r"cortarme",
        r"mejor (muerto|muerta)",
        r"no vale la pena vivir",
        r"dormir y no despertar",
        r"no (volver a )?despertar(me)? (nunca|mas|jamas)|no abrir los ojos nunca",
        r"(soy|me siento) (un|una) (estorbo|carga)",
        r"(dios|diosito|senor) (\w+ ){0,3}(me lleve|llevarme|se (lo|la) lleve)",
        # The warning signs of 988's Spanish line and the English rules, in everyday Spanish:
        # life without meaning, wanting to disappear, others better off, means kept aside,
        # goodbyes, and ending it all.
        r"(matar|quitar)(se|me|te) la vida|matar(se|me)\b|suicidarse",
        r"(terminar|acabar) con todo|pensando (en )?como hacerlo",
        r"(la|mi) vida (ya )?no (tiene sentido|merece la pena|vale la pena)",
        r"(ganas de|quiero|quiere|queria|quisiera|pienso en|piensa en) desaparecer",
        r"(seria|es) mejor morir(me|se)?|"
        r"no (quiero|quiere|pienso|piensa|puedo|puede) seguir viviendo",
        # A plan with a date (C-SSRS's highest rung).
        r"(tengo|tiene) (un |el )?plan (y|con) (la |una )?fecha",
        r"(no|ya no) (quiero|quisiera) (despertar|seguir aqui|seguir viviendo|estar aqui)",
        r"ojala no (despertara|despierte|amaneciera|hubiera nacido)|dormirme y no despertar",
        r"mejor(es)? sin (mi\b|el\s*[,.!]|el$)|si yo no estuviera|cuando (yo )?ya no este",
        r"(cansad[oa]|hart[oa]) de (vivir|estar viv[oa])|pienso (mucho )?en la muerte",
        r"(junt\w*|guard\w*|acumul\w*) (\w+ ){0,3}(pastillas|pildoras|medicinas)|"
        r"pastillas (\w+ ){0,4}guardadas|tomar(me)? de mas",
        r"(aventarme|tirarme|lanzarme) (del|de un|de una|de la|al) ",
        r"(despidio|despedi|despedirme) de todos|regal(e|ando|o|a) (todas )?(mis|sus) cosas",
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
        r"pie caido|arrastr\w* (el|un) pie|se (me|le) arrastra|"
        r"no (puedo|puede) levantar (la punta del |el )?pie|(se me|se le) cae el pie",
        r"(se me|se le) (escapa|escapo|salio) (un poco de )?(la )?(orina|pis|popo)|"
        r"(se orina|me orino) sin",
        r"(las|mis) piernas (\w+ ){0,2}(dormidas|entumecidas)|entumecidos los muslos",
        r"(dolor|presion|opresion) (en el|de|del) pecho|infarto|ataque al corazon",
        # A stroke: the face drops, speech goes.
        r"(se le|se me) (cayo|cae) (un lado de )?la cara|(boca|cara) (torcida|chueca)",
        r"(me cai|se cayo|cayo) (de|del|desde|por) (la |el |una |un )?"
        r"(escalera|techo|tejado|altura|caballo|andamio)",
        r"accidente de (coche|carro|auto|moto|trafico)",
    ),
    "urgent": _ES_URGENT,
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
        # The same signs as Chinese and Cantonese writers put them: a suicide note, dying
        # as the way out, ending oneself, never waking, a plan to jump, affairs arranged.
        r"遗书|遺書|绝笔|絕筆|一死了之|死了(比较好|比較好|算了)|死咗好過|不如(我)?(早点|早點)?死|"
        r"(结束|結束)(自己|生命|一切|这一切|這一切)|不如(早点|早點)(结束|結束)|"
        r"(想好|决定|決定|准备|準備)\S{0,4}(结束|結束)|想\S{0,3}(怎么|怎麼)(结束|結束)",
        r"(不想|唔想)(再)?(活|生存)|(不用|唔使|不再|唔再|别再|別再)\S{0,2}醒|生无可恋|生無可戀|"
        r"(活着|活著|活得)\S{0,2}(太|好|很)累|想\S{0,3}消失|(后事|後事)|"
        r"撑不下去|撐不下去|(想|要)\S{0,2}(跳下去|跳楼|跳樓|跳落|烧炭|燒炭|上吊)|"
        r"(负累|負累|拖油瓶)|(多少|几颗|幾顆)\S{0,3}(会死|會死)|希望\S{0,4}(车祸|車禍|被车撞|被車撞)",
        # Giving a pet or belongings away, as the English rules read it.
        r"把\S{0,3}(猫|貓|狗|宠物|寵物|东西|東西)\S{0,2}(送给|送給|送人|送走)",
    ),
    "emergency": (
        r"大小便失禁|小便失禁|大便失禁|尿失禁|尿不出|解不出小便|控制不住(小便|大便|排尿|大小便)|"
        r"(会阴|會陰|马鞍|馬鞍|裆部|襠部|下身|私处|私處|屁股|肛门|肛門|大腿内侧|大腿內側)"
        r"[^坐]{0,4}(麻木|发麻|發麻|麻麻|好麻|没\S?感觉|沒\S?感覺|冇感覺|失去知觉|失去知覺)|"
        r"(双腿|雙腿|两条腿|兩條腿|两腿|兩腿|手脚|手腳)\S{0,6}(无力|無力|麻|没力|沒力|没劲|沒勁)|"
        r"(小便|排尿|尿尿)\S{0,4}(费劲|費勁|困难|困難|出不来|出不來)|"
        r"(大便|小便|大小便)\S{0,2}(控制不住|失控)|(漏|憋不住)\S{0,3}尿|尿裤子|尿褲子|"
        r"足下垂|抬不起(脚|腳)|(脚|腳)\S{0,4}(抬不起来|抬不起來|勾不起来|勾不起來)|"
        r"胸痛|胸口(痛|疼|闷|悶|压|壓)|胸闷|胸悶|心脏病发作|心臟病發作|心梗|"
        r"嘴角\S{0,2}(歪|往下)|(说话|說話|讲话|講話)\S{0,3}(不清|含糊)|"
        r"从\S{0,6}(摔|掉)下|從\S{0,6}(摔|掉)下|车祸|車禍",
    ),
    "urgent": _ZH_URGENT,
}

_COMPILED: dict[str, list[tuple[TriageKind, re.Pattern[str]]]] = {
    lang: [(kind, re.compile(p)) for kind, patterns in table.items() for p in patterns]
    for lang, table in (("es", _ES), ("zh", _ZH))
}


# NegEx and ConText in a few words: a Chinese finding right after a negation ("没有胸闷",
# no chest tightness), and a Spanish injury or finding of years or months ago ("me cai de
# un andamio hace 3 anos"), are no red flag; a crisis word is always read.
_ZH_NEGATION = re.compile(r"(没有|沒有|没|沒|无|無|冇|不是|并不|並不|不)$")
_ES_LONG_AGO = re.compile(r"\bhace (\w+ ){0,2}(anos|meses)\b")
_ES_NEGATION = re.compile(r"\b(no|sin|ni|nada de|tampoco)( \w+){0,2} ?$")
_ES_TERMINATION = re.compile(r"[.!?;]|\b(?:pero|aunque|ahora|hoy|esta semana|desde ayer)\b")
# ConText's resolved modifier: a finding that passes by itself ("se me duerme la pierna en la
# troca, pero se quita al caminar"; "屁股麻麻的,站起来走一走就好了") is no red flag. Read to
# the end of the sentence, past "pero".
_SENTENCE_END = re.compile(r"[.!?;。！？；\n]")
_PASSES = {
    # "se le pasa a la espalda" is pain spreading, not passing.
    "es": re.compile(
        r"\bse (me |le |te )?(quita|quito|pasa|paso)\b(?! (a|al|hacia|para|por)\b)|\bdesaparece\b"
    ),
    "zh": re.compile(r"就好了|就好|就没事|就沒事|就消失|就不麻|自己好了|(恢复|恢復)正常"),
}
# Someone's hope or belief that it will pass ("他说躺两天就好") is no resolution.
_BELIEF = re.compile(
    r"(说|說|觉得|覺得|以为|以為|希望|应该|應該|可能|dice que|cree que|espera)[^,，]*$"
)


def match(folded: str, language: str) -> tuple[TriageKind, str] | None:
    """The most serious red flag of ``language`` (es or zh) in ``folded`` text, with its pattern.

    English text is left to the English rules: "i'm not suicidal" must not match "suicid".
    """
    found: tuple[TriageKind, str] | None = None
    for kind, pattern in _COMPILED.get(language, []):
        if kind == "urgent" and not _PAIN[language].search(folded):
            continue  # an urgent sign counts beside back pain
        if any(_affirmed(folded, hit, kind, language) for hit in pattern.finditer(folded)):
            if kind == "crisis":
                return kind, pattern.pattern
            found = found or (kind, pattern.pattern)
    return found


def _is_fever(hit: re.Match[str], language: str) -> bool:
    """Whether ``hit`` is a fever or chills (of :data:`_ES_URGENT` or :data:`_ZH_URGENT`)."""
    return hit.re.pattern == (_ES_URGENT if language == "es" else _ZH_URGENT)[0]


def _affirmed(folded: str, hit: re.Match[str], kind: TriageKind, language: str) -> bool:
    """Whether a match is a current finding: a crisis always; a physical one when it is not
    negated, long ago, passing by itself, or a fever that has gone."""
    if kind == "crisis":
        return True
    if _is_fever(hit, language) and _FEVER_GONE[language].search(folded):
        return False
    sentence = _SENTENCE_END.split(folded[hit.start() :], maxsplit=1)[0]
    passes = _PASSES[language].search(sentence)
    if passes and not _BELIEF.search(sentence[: passes.start()]):
        return False
    if language == "zh":
        return not _ZH_NEGATION.search(folded[max(0, hit.start() - 2) : hit.start()])
    # The clause of the finding: ConText's scope ends at a turn or at the present.
    before = _ES_TERMINATION.split(folded[: hit.start()])[-1]
    after = _ES_TERMINATION.split(folded[hit.start() :], maxsplit=1)[0]
    # "no tengo fiebre", "sin dolor de pecho": NegEx's window of a few words before.
    return not (_ES_NEGATION.search(before) or _ES_LONG_AGO.search(before + after))
