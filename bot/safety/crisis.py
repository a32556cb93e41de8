"""Crisis words for the reviewed rules (:mod:`bot.safety.rules`), for clinician review.

Suicide and self-harm said outright, and the warning signs in the lists of the 988
Suicide & Crisis Lifeline, NIMH and the Columbia scale (C-SSRS), in the words people use for
them: looking for a way out, stockpiling means, feeling a burden, giving things away,
putting affairs in order, saying goodbye, wishing passively for death, a plan with a date.
The rules read these before negations are blanked where a negation word is part of the
sign (:mod:`bot.safety.reading`), and read them whenever they happened (a past crisis is
still read).
"""

from __future__ import annotations

MEDICINE = "namedmedicine"  # the rules' marker after a word the drug dictionary names

CRISIS = (
    r"(suicid\w*|kill (myself|me)|killing myself|end(ing|ed)? (my|my own) life|end it all|"
    r"take my (own )?life|want to die|wanna die|wish i (was|were) dead|"
    r"better off (\w+ ){0,4}(dead|without me)|"
    r"self.harm\w*|"
    r"hurt(ing)? myself|cut(ting)? myself|no reason to live|cannot go on|overdos\w*|"
    r"not worth living|\bkms\b|unaliv\w*|\bi (cut|burn) (myself )?to (feel|cope|numb)|"
    # Warning signs in 988 Lifeline's and NIMH's lists, in the words people use for them:
    # looking for a way, stockpiling means, being a burden, giving things away, putting
    # affairs in order, saying goodbye, wishing for death passively.
    r"(looking|look|looked|googl\w*|research\w*|reading|searching|search) (\w+ ){0,3}ways "
    r"(out|to die|to end)|ways to (die|end it|kill)|"
    # "keep" as hoarding ("keeping my old pills"), not as going on ("keep popping pills").
    r"(stockpil\w*|sav(e|ed|ing)|hoard\w*|collect\w*|keep\w*(?! (on )?\w+ing\b)) (\w+ ){0,4}"
    r"(pills|meds|medications?|oxys?|percs?|xans?|benzos|"
    r"tablets|sleeping pills|painkillers)|"
    # Any medicine the drug dictionary names (bot/safety/drugs.py), marked by MEDICINE.
    rf"(stockpil\w*|sav(e|ed|ing)|hoard\w*|stash\w*) (\w+ ){{0,5}}{MEDICINE}|"
    r"(how much|how many) of (my|the) (pills|meds|medications?|tablets) (it )?would (it )?take|"
    r"(all|every one of) (of )?my (\w+ ){0,3}(pills|meds|oxys|tablets) at once|"
    r"(tried|try|trying|want|wanted|going|plan\w*|thinking about|thought about) to end "
    r"(it|things|everything)|tired of (living|being alive|life)|"
    r"(a |such a |the )?burden (to|on|for) (everyone|everybody|my family|them|my kids|others)|"
    # Feeling a burden to someone, or such a burden (a passing "i feel like a burden
    # sometimes" told with a therapist beside it is left to the classifier and its 988 line).
    r"(feel\w*|felt) (like )?((a |the )?(burden|dead weight) (to|on|for)|"
    r"(such a|a total|a complete|nothing but a) (burden|dead weight))|"
    # Giving up on everything (not on a diet or a treatment), checking out for good, a plan
    # with a date, and an overdose taken: C-SSRS's and 988's signs in people's words.
    r"give up on (everything|all of it|it all|life|living|myself)|"
    r"(check\w*|clock\w*|bow\w*) out (for good|permanently|early|of life)|"
    r"(have|got|made) (a |the )?plan and (a |the )?(date|day|time)|"
    r"(took|swallowed|taken|had) (\w+ ){0,4}(pills|painkillers|meds|tablets|"
    rf"{MEDICINE}) on purpose|on purpose (\w+ ){{0,3}}(overdose|too many)|"
    r"(took|swallowed|taken) (a handful|a load|loads|a bunch|the whole (bottle|pack|packet|box)|"
    r"(all|most) of (my|his|her|their|the)) (\w+ ){0,4}(pills|painkillers|meds|tablets)|"
    r"(giving|gave|give|given) away (\w+ ){0,3}(stuff|things|belongings|possessions|gear|watches|"
    r"jewelry|jewellery|cat|dog|pets?)|"
    r"(affairs|paperwork|accounts) in order|"
    r"(wrote|writing|write|written) (\w+ ){0,2}(letters?|notes?|goodbyes?) to (my|the) "
    r"(kids|children|family|husband|wife|son|daughter|parents|mom|mum|dad)|"
    r"(god|him|jesus|the lord) (\w+ ){0,2}(take|takes|took) me|"
    r"(stop|stopped) existing|(vanish\w*|disappear\w*) (\w+ ){0,2}for good|"
    r"if i (just )?(disappeared|vanished|was gone|were gone)|(said|saying) my goodbyes|"
    r"rather be dead|"
    r"(fine|ok|okay|alright) if (\w+ ){0,6}(hit me|killed me|ran me over|i died)|"
    r"(hop\w*|wish\w*|pray\w*) (\w+ ){0,4}(hits|hit|runs over|ran over|kills|would kill) me|"
    r"(it|this|everything) (would|will|could) (all )?(just )?be over|"
    r"why (am i|is he|is she|i am|he is|she is) still alive|waiting to die|"
    r"nothing left (for me|to live for)|(when|after) i am gone\b(?! (on|for|to|away|out)))"
)
