"""Spanish and Chinese red-flag and crisis patterns (bot/safety/rules_i18n.py), our own words."""

from __future__ import annotations

import pytest

from bot.safety.triage import SafetyTriage


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        # Crisis in everyday Spanish: wanting to disappear, life without meaning, others
        # better off, means set aside, goodbyes...
        ("con este dolor de rodilla ya me dan ganas de desaparecer", {"crisis"}),
        ("mi vida ya no tiene sentido, la ciatica no me deja", {"crisis"}),
        ("mis hijos estarian mejor sin mi, la espalda me tiene harta", {"crisis"}),
        ("voy juntando las pastillas del dolor en un frasco", {"crisis"}),
        ("mi abuelo dice que no quiere seguir viviendo con este dolor", {"crisis"}),
        ("ya tengo el plan con la fecha, no voy a ir a mi cita", {"crisis"}),
        # ...and in Chinese and Cantonese: a note written, never waking, ending oneself,
        # belongings given away.
        ("我把家里的狗送人了,以后也不用麻烦大家了", {"crisis"}),
        ("遗书我已经写好放在桌上了", {"crisis"}),
        ("真想一觉睡过去不用再醒", {"crisis"}),
        ("我唔想再活落去,条腰痛到死", {"crisis"}),
        # Emergencies: numbness, weak legs, a bladder that will not empty, a dropping face.
        ("腰痛了几天,现在肛门周围发麻", {"emergency"}),
        ("这两天两条腿越来越没劲,腰也痛", {"emergency"}),
        ("腰痛,小便很困难,要用力才出来", {"emergency"}),
        ("de repente se le cayo la cara a un lado a mi papa", {"emergency"}),
        ("me duele la espalda y se me escapa la orina sin querer", {"emergency"}),
        # Urgent signs beside back pain: a fever or chills, injecting drugs...
        ("me duele la cintura y anoche tuve calentura y escalofrios", {"urgent"}),
        ("腰背痛了一周,昨晚开始发烧,浑身发冷", {"urgent"}),
        ("uso drogas inyectadas y me duele la columna desde hace dias", {"urgent"}),
        # ...not a fever that has gone, a fever denied, or a fever without back pain.
        ("tuve fiebre con la gripe pero ya no tengo fiebre, solo la espalda tensa", set()),
        ("腰有点酸,不发烧,可以针灸吗", set()),
        ("mi hijo tiene fiebre, puedo cambiar mi cita?", set()),
        # Negated, long ago, or an idiom: no red flag.
        ("背部酸痛,没有胸闷,可以针灸吗", set()),
        ("me cai de la escalera hace dos anos y todo salio bien, me duele al hacer frio", set()),
        ("hace anos tuve dolor en el pecho, ahora solo la espalda tensa", set()),
        # Numbness that passes by itself, and an idiom of embarrassment: no red flag...
        ("开车久了大腿内侧麻木,下车活动一下就好了", set()),
        ("me quiero morir de la pena, olvide mi cita de ayer", set()),
        # ...but pain that moves on, or a hope that it will pass, still counts.
        ("tengo presion en el pecho que se me pasa al brazo", {"emergency"}),
        ("我爸腰痛,今天尿不出来,他说睡一觉就好", {"emergency"}),
        # A turn to the present ends the past: this week's weak legs count.
        ("dolor de espalda de hace anos pero hoy tengo las dos piernas debiles", {"emergency"}),
    ],
)
def test_spanish_and_chinese_rules(message: str, kinds: set[str]) -> None:
    assert SafetyTriage.rule_kinds(message) == kinds
