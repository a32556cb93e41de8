"""Every calibrated number of the bot, in one place, each with how it was calibrated.

Numbers here were chosen on development data only (``tests/data/eval_questions.yaml``,
``tests/data/safety_cases.yaml`` and the development part of the real-words sets); held-out
parts are never used to pick them. ``make eval`` reports both, so a change here shows its
effect on each. Settings (``BOT_MIN_RELEVANCE``, ``BOT_TOP_K``...) default to these values.
"""

from __future__ import annotations

from typing import Final

# --- Retrieval -----------------------------------------------------------------------------
# Sections fetched per question: 6 keeps every golden question's article in the candidates
# (top-3 recall 1.0 in `make eval`) while a 9-article corpus has ~45 sections.
TOP_K: Final = 6
# BM25's length normalisation (its b; the library's default is 0.75). Sections are split to
# similar, short sizes, and with 0.75 a one-line section that mentions a common word
# ("needles", "clinic") outscored the section that answers. On the dev parts, 0 / 0.2 /
# 0.3 / 0.5 / 0.75 / 1.0 gave clinic right-article-first 0.796 / 0.788 / 0.788 / 0.788 /
# 0.779 / 0.770 (half of the dev sources by site: 0.825 / 0.807 / 0.807 / 0.807 / 0.789 /
# 0.789, the other half 0.768 throughout), federal key facts 0.840 at 0-0.3, 0.820 above;
# our own set reached top-1 1.000 and key facts 0.939 at 0 only (0.979 / 0.918 otherwise).
BM25_LENGTH_NORMALISATION: Final = 0.0
# BM25 sections added beside the vector hits: 3 recovers exact-word matches (drug and
# condition names) without crowding the vector candidates.
LEXICAL_CANDIDATES: Final = 3

# --- Relevance: answer or say "no article" -------------------------------------------------
# Lowest cosine similarity of the best section or sentence that counts as an answer.
# Unanswerable questions of the development set peak at ~0.38, answerable ones at >= 0.45.
MIN_RELEVANCE: Final = 0.40
# Similarity of a question to itself without the words no article uses. Below this, those
# words carry the question ("Do you treat migraines?"); on the development set answerable
# questions stay >= 0.8 and unanswerable ones with a foreign subject fall under 0.7.
# Re-checked with COMMON_WORD_ZIPF on the dev parts of evals/data after long messages began
# to carry their story's article words (grid 0.75/0.8/0.85 x Zipf 5.0/5.5/6.0; clinic set
# answered / declined, federal declined): 0.75 & 5.5 gave 0.876 / 0.724, 0.818; 0.8 & 5.0
# gave 0.885 / 0.724, 0.909 but our own set lost two answers ("Are the needles reused?",
# key facts 0.918 -> 0.878); 0.85 & 5.5 gave 0.832 / 0.810 and lost right article first
# (0.717 -> 0.690). Every change traded answered for declined one for one: kept.
COVERAGE_FLOOR: Final = 0.75
# Words no article uses count as a question's subject only when rarer than this in everyday
# English (wordfreq's Zipf scale: "need" 6.0, "says" 5.5, "friend" 5.4, "fever" 4.2,
# "migraines" 3.1). On the dev part of evals/data/questions_real.yaml: no filter answered
# 0.84 of answerable and declined 0.62 of unanswerable; 4.5 gave 0.91 / 0.40; 5.0 0.91 /
# 0.45; 5.5 0.89 / 0.59 (and right article first 0.67 -> 0.70). Re-checked with
# COVERAGE_FLOOR above: kept.
COMMON_WORD_ZIPF: Final = 5.5
# Triage snaps misspelt safety terms to the term ("bladdr", "sucide"), but never a word
# this common in English (wordfreq's small list, Zipf 3 and up, which the answerer already
# holds; the large list would add 50 MB to the server). On the dev part of bot/safety/data,
# the misspellings snapped scored at most 1.56 in the large list ("feaver"; "kil" 2.47),
# while the words wrongly snapped scored 4.18 ("cancel" -> cancer) to 4.67 ("grown" ->
# groin; "kills" -> kill 4.34, "leg" -> legs 4.66), and "overdone" (2.82), named in
# bot/safety/reading.py; the patterns read other forms themselves ("fever\w*").
REAL_WORD_ZIPF: Final = 2.5
# A word no article uses is still covered when an article uses a variant of it
# (bot/index/vocabulary.py): the same stem with another ending, sharing all but the last
# VARIANT_ENDING_CHARS letters of the shorter word and at least VARIANT_MIN_CHARS, one
# Snowball stem starting the other ("tingly"/"tingling", "warm"/"warmth", but not
# "mattress"/"matters" nor "shower"/"shown"),
# a spelling one edit apart ("disc"/"disk"), or a longer compound containing a word of at
# least COMPOUND_MIN_CHARS letters ("arthritis" in "osteoarthritis"). Chosen on the dev parts
# of evals/data: a rapidfuzz ratio of 70 instead read "mattress" as "matters" and "shower"
# as "shown" and declined fewer unanswerable questions (see README).
VARIANT_MIN_CHARS: Final = 4
VARIANT_ENDING_CHARS: Final = 2
COMPOUND_MIN_CHARS: Final = 6
# Questions asking for individual advice get general article content only when the articles
# cover every part of them ("cure diabetes" must not be answered with a line on acupuncture).
ADVICE_COVERAGE_FLOOR: Final = 0.9
# The longest subject a question form names ("cosmetic facial acupuncture for wrinkles" is
# cut at "for"); longer runs are a clause, not a subject. On the dev parts the subjects the
# forms find have 1-3 words; 5 leaves room without reading whole clauses.
SUBJECT_MAX_WORDS: Final = 5

# --- Composing the answer -------------------------------------------------------------------
# Issue #11 asks for answers of at most ~400 characters: 500 let answers run into a third
# sentence from an unrelated part of the section. On the dev parts, 400 kept key-fact recall
# of our own set (0.918) and of the clinic set; the federal dev set lost one fact (a third
# sentence of a side-effects answer).
MAX_ANSWER_CHARS: Final = 400
# A sentence of fewer words is a label or a heading left alone ("Lifting and twisting."),
# never a sentence of an answer unless its section has nothing else (federal dev set).
ANSWER_MIN_WORDS: Final = 4
MAX_SENTENCES: Final = 4
# Articles are written lead-first: a section's opening lines usually carry its point, so
# earlier sentences get a small edge over equally similar later ones (set on the dev set's
# key-fact recall: 0.04/0.01 beats 0 and 0.08).
LEAD_BONUS: Final = 0.04
LEAD_DECAY: Final = 0.01
# Section score = semantic + weights below; tuned together on the dev set's source top-1.
SEMANTIC_WEIGHT: Final = 0.4
LEXICAL_WEIGHT: Final = 0.2
TITLE_WEIGHT: Final = 0.1
# Per shared content word of the question, weighted by its rarity over the sections (1 for
# a word one section uses, ~0 for "back" in a back-pain corpus): lines that share only the
# corpus's everyday words ("manipulation" in an article about it) no longer outweigh the
# line that answers. On the dev parts, weighting raised the federal set's key facts
# 0.800 -> 0.820 (a side-effects duration question), the clinic and own sets unchanged;
# 0.06 instead of 0.03 changed nothing.
OVERLAP_BONUS: Final = 0.03
# A second section joins only when the first gave a single sentence and it is nearly as good
# (same article, within this margin). On the dev parts of evals/data, 0.1 instead of 0.05
# raised the clinic set's key facts 0.628 -> 0.646 ("is Dr. Lin a real doctor?" gets the
# one-line mission and the DAOM line); 0.2 gave the same; the federal set did not change.
# Letting it join after two sentences as well gained nothing.
SECOND_SECTION_MARGIN: Final = 0.1
# Two sections of one article this close in score (the first's minus the runner-up's) are a
# tie: the answer picks its sentences from both, by their own similarity. On the dev parts
# of evals/data (clinic key facts / federal key facts / own set key facts), no tie rule gave
# 78 / 42 of 113 / 50 and 0.939; 0.01 gave 80 / 42, 0.939; 0.02 81 / 42, 0.959; 0.03
# 82 / 41, 0.959; 0.05 and 0.1 82 / 40, 0.959; right article first unchanged throughout.
# 0.02 loses nothing anywhere (the three clinic gains are all in dev half B, half A unchanged).
SECTION_TIE_MARGIN: Final = 0.02
# A follow-up ("how many sessions does that take?") is short: longer messages stand alone.
FOLLOW_UP_MAX_WORDS: Final = 12

# --- Content gaps ---------------------------------------------------------------------------
# Gap questions whose cosine similarity to a group's first question reaches this share the
# group: paraphrases of one question score 0.75-0.9, different questions on one topic < 0.7.
GAP_GROUP_SIMILARITY: Final = 0.72

# --- Triage (bot/safety/classifier.py) --------------------------------------------------------
# The classifier's probability, the highest over a message's units, past which a message gets
# the crisis, emergency or urgent reply. Picked with `python -m evals.triage_calibration`
# (5-fold cross-validation grouped by source, on the dev part only). Out of fold, with the
# rules, 0.85 sent ~0.65 of emergencies to care while flagging ~0.13 of harmless look-alikes;
# 0.5 caught ~0.95 but flagged ~0.5. The embedding classifier separates look-alikes poorly,
# so clear flags use a high threshold and the wide middle band gets the safety net below.
# Out-of-distribution text (jailbreak attempts, dose questions) and short plain questions
# ("I have sciatica down one leg, can you help?") can score 0.9, so a clear flag from the
# classifier alone needs 0.97; below that it adds the safety net. Out of fold per label at
# 0.9: emergency recall 0.58 with no harmless dev message flagged, crisis 0.48 with 0.03.
# "care" (see TUNED_THRESHOLDS) is off for this classifier: it was never calibrated for it.
TRIAGE_THRESHOLDS: Final = {"crisis": 0.97, "emergency": 0.97, "urgent": 0.97, "care": 1.01}
# From this up to the thresholds above, a possible red flag: the answer plus a safety net.
TRIAGE_SAFETY_NET: Final = 0.6
# The same for the fine-tuned model (bot/safety/finetune.py), the default. Picked with
# `python -m evals.triage_calibration --folds 3` (fine-tuned per fold, grouped by source, dev
# part only). Out of fold, with the rules, 0.9 sent 0.795 of emergencies and 0.731 of
# urgent cases to care and gave 0.885 of crisis messages the crisis reply, flagging 0.078
# of harmless messages; 0.85 caught 0.854/0.808/0.910 but flagged 0.166, 0.95 caught
# 0.712/0.625/0.836 and flagged 0.049. A grid of per-label thresholds found nothing better
# than 0.9 for all three at the same over-triage. The safety net from 0.5 (out of fold,
# 0.966 of emergencies reach 0.5).
# Re-checked on the grown dataset (1,239 messages plus the dev questions as harmless), fold 1
# of 3 (`--only-fold 1`, the other folds did not fit the session): with the rules, 0.9 sent
# 0.807 of emergencies and 0.667 of urgent cases to care and gave 0.829 of crisis messages
# the crisis reply, but flagged 0.097 of harmless messages and 0.068 of ordinary questions
# ("i hurt my back lifting" scored 0.91 emergency); 0.95 caught 0.771/0.533/0.800 and
# flagged 0.043 and 0.034: the only point within the 5%, and the middle band still
# gets the safety net. Thresholds per label on the same fold found nothing better.
# Re-checked with all three folds on the grown dataset (1,567 messages; 1,287 dev messages
# and questions; `--folds 3 --save`, then each fold's model re-scored on the sources it did
# not see with other unit choices): with the rules, 0.95 for every label sent
# 0.638 of emergencies and 0.633 of urgent cases to care and gave 0.769 of crisis messages
# the crisis reply, flagging 0.079 of harmless messages and 0.041 of ordinary questions.
# "care" (urgent and emergency together in one unit) at 0.95 raised that to 0.750 / 0.748
# for 0.082 / 0.051; reading two-sentence runs as well (TRIAGE_WINDOW) to 0.779 / 0.767 and
# crisis 0.789, for 0.095 / 0.056. Care at 0.9 caught 0.859 / 0.829 but flagged 0.107;
# crisis at 0.9 caught 0.833 for 0.107. Kept: 0.95 everywhere, care on, windows on (9
# emergencies, 4 urgent cases and 5 crises more for 7 more of 514 harmless flagged).
# Then the flags moved from the peak to the agreed reading (bot/safety/classifier.Reading:
# the mean of the two units that score highest), re-scoring the same fold models on the
# same dev messages, with the rules: 0.9 for emergency, urgent and care sent 0.824 of
# emergencies and 0.795 of urgent cases to care for 0.098 of harmless messages and 0.041
# of ordinary questions flagged (the peak at 0.95: 0.779 / 0.767 for 0.095 / 0.056); 0.85
# caught 0.856 / 0.833 for 0.110 / 0.071, 0.93 0.776 / 0.767 for 0.085 / 0.041. Crisis at
# 0.85 gave 0.817 of crisis messages the crisis reply (0.793 at 0.9, 0.713 at 0.95; the
# peak at 0.95: 0.789) with no more harmless messages flagged than at 0.9. Averaging the
# fine-tuned model with the logistic regression (weights 0.5-0.8) caught less at every
# over-triage: not kept.
# Re-checked on fold 1 of 3 after round 5 of the dataset (1,925 messages; 509 dev messages and
# questions the fold's model never saw; the other folds did not fit the session), with the
# rules: agreed at 0.9 / crisis 0.85 sent 0.902 of emergencies and 0.870 of urgent cases to
# care and gave 0.877 of crisis messages the crisis reply, flagging 0.191 of harmless
# messages and 0.117 of questions; the peak at 0.95 everywhere: 0.902 / 0.857 / 0.852 for
# 0.185 / 0.104; agreed at 0.93: 0.902 / 0.844 / 0.877 for 0.179 / 0.065. The new harmless
# stories are harder than the old ones for either reading: kept.
# Model version 3 (trained on the runs too, no story cut before its flag; rounds 7-8 of the
# dataset, 3,005 messages) scores flags lower: at 0.9 its dev part sent 0.902 of
# emergencies and 0.901 of urgent cases to care (crisis 0.954, harmless flagged 0.057).
# Re-picked on the dev part (in-sample: three folds of this model did not fit the session)
# as the highest bar giving emergencies, urgent cases and crises 0.95 each, the least
# over-triage: emergency, urgent and care at 0.85 gave 0.918 / 0.928 (0.059), 0.8 0.930 /
# 0.940 (0.061), 0.7 0.953 / 0.964 (0.068), 0.6 0.971 / 0.970 (0.079); crisis 0.954 at
# 0.85, 0.961 at 0.8; the one-reading bar (0.85-0.95) moved crisis by two messages only.
# Re-checked the same way after rounds 9-10 of the dataset (3,606 messages) and the rules'
# ConText modifiers and new signs, in-sample on the dev part: emergency, urgent and care at
# 0.6 sent 0.970 of emergencies and 0.963 of urgent cases to care (harmless flagged 0.118),
# 0.7 0.968 / 0.955 (0.092), 0.8 0.964 / 0.942 (0.078): 0.7 is still the highest bar
# giving each 0.95. Crisis at 0.85 caught 1.000 of crisis messages; 0.95 caught 0.989
# (harmless flagged 0.087): kept at 0.85, since the aim for crisis is every message.
# Re-picked out of fold (stop 21): `python -m evals.triage_calibration --folds 3`, then
# `python -m evals.triage_bars` with its fold models (each of the 2,715 dev messages and
# questions read by the model that never saw its source, with the rules and the whole-story
# clearance below). The in-sample picks above had
# hidden the cost: out of fold, 0.7 / crisis 0.85 flagged 0.221 of harmless dev messages
# (the held-out part: 0.201), not 0.092. English and Spanish/Chinese differ (the model
# reads English best), so English has its own bars: the highest that keeps English dev
# emergencies and urgent cases at 0.98 out of fold (held-out recall has run below dev, so
# a margin): 0.9 sent 0.983 / 0.981 to care for 0.136 of harmless English messages
# flagged (0.8: 0.991 / 0.984 for 0.164; 0.95: 0.968 / 0.971 for 0.121). Crisis at 0.7
# gave 0.975 of English crises the crisis reply (0.85: 0.950, for 0.014 less
# over-triage): every crisis counts. All languages together, against the old bars: harmless
# flagged 0.221 -> 0.166, crisis 0.945 -> 0.964, emergencies 0.988 -> 0.975, urgent
# 0.976 -> 0.966.
TUNED_THRESHOLDS: Final = {"crisis": 0.7, "emergency": 0.9, "urgent": 0.9, "care": 0.9}
# Spanish and Chinese messages: the model reads them less well than English (out of fold it
# flagged far more of their harmless messages), so their bars are their own.
# Out of fold, no bar served them well: at 0.7 / crisis 0.85 Spanish messages gave 0.956 of
# emergencies and 0.895 of urgent cases care and flagged 0.299 of harmless ones, Chinese
# 0.942 / 0.893 for 0.394; at 0.8 Chinese urgent fell to 0.75 (their reviewed patterns
# catch less than the English rules do). Kept at the old bars, for recall.
_FOREIGN = {"crisis": 0.85, "emergency": 0.7, "urgent": 0.7, "care": 0.7}
TUNED_THRESHOLDS_BY_LANGUAGE: Final[dict[str, dict[str, float]]] = {"es": _FOREIGN, "zh": _FOREIGN}
# A one-sentence message has a single reading: it keeps the earlier 0.95 (model 3: 0.97 on
# dev moved nothing but 3 crises lost, and cost our own set an urgent case). Out of fold no dev
# message of one unit (149, nearly all ordinary questions) scored between 0.9 and 0.97, but
# on our own set (tests/data/safety_cases.yaml) short plain questions did ("Could this be
# sciatica?" 0.9-0.95 emergency, "Why does my lower back keep hurting?" urgent).
# Crisis alone came down to 0.85 (stop 22): out of fold, 36 dev crises were one sentence;
# at 0.85 one more of them got the crisis reply ("i have pills and i'm going to take them
# tonight", 0.89) and one more harmless one too ("ugh i'm dying here... zoom calls", 0.86).
# A missed crisis costs more than a kind word too many.
TUNED_ONE_READING: Final = {"crisis": 0.85, "emergency": 0.95, "urgent": 0.95, "care": 0.95}
# A message of several sentences that the fine-tuned model reads whole (up to its 128 tokens)
# as harmless with this probability ("none") loses the classifier's care or crisis flag
# (bot/safety/verdict.classified); the rules' flags and the safety nets stay. 1.01 is off.
# Out of fold (`python -m evals.triage_bars`, the same three folds, all languages): at the
# bars above, clearing care when the whole story reads harmless at 0.5 or more took
# harmless flagged from 0.176 to 0.166, and at the old bars from 0.221 to 0.193, losing no
# emergency, urgent case or crisis either time (clearing at 0.7 or 0.8 took off less). A
# crisis flag is cleared only at 0.8: cleared at 0.5, crisis recall fell 0.945 -> 0.940.
WHOLE_STORY_CLEARS: Final = {"care": 0.5, "crisis": 0.8}
# The same for the reviewed rules' emergency and urgent flags, more cautiously: when the
# model reads the whole message (to its end) as harmless at ``whole`` or more and its care
# score stays under ``care``, a rule's care flag becomes the safety net (the answer plus the
# warning signs and 911). Such messages name a red flag without having it: a question about
# the signs, a parent's heart attack years ago, a cold with a temperature. A crisis rule
# always stands, and so does a rule that needed earlier turns to match. Out of fold (the
# three folds of stop 21, 2,715 dev messages): harmless flagged 0.166 -> 0.158, with no
# emergency or urgent case lost; whole 0.7 or care 0.5 lost one, 0.95 / 0.2 cleared less.
RULE_CLEARS: Final = {"whole": 0.9, "care": 0.3}
# The safety nets read the peak (one unit is enough for a line of advice): with flags from
# the agreed reading, out of fold, 0.981 of dev emergencies reached care or the net and
# 0.908 of crisis messages the crisis reply or the 988 line, for 0.208 / 0.041 of harmless
# messages given the net / the line (nets on the agreed reading: 0.974 / 0.880 for
# 0.161 / 0.018).
TUNED_SAFETY_NET: Final = 0.5
# A crisis flag only the classifier raised gives way to its care flag when care (urgent and
# emergency together) scores higher by this margin; the reply then carries the 988 line.
# The model reads some sentences of long emergency stories as crisis, and crisis outranks
# care, so such stories got the crisis reply (60 of `make eval`'s emergency and urgent
# messages, dev and held-out). Out of fold with the rules (the three old folds / fold 1
# after round 5): margin 0 sent 7 / 9 more emergencies and 7 / 5 more urgent cases to care
# and took the crisis reply from 3 / 1 crisis messages; 0.02 gave 7 / 8 and 6 / 4 for 1 / 1;
# 0.05 4 / 6 and 3 / 1 for 0 / 1; 0.1 next to nothing.
CRISIS_OUTWEIGHED_MARGIN: Final = 0.02
# From this up to the crisis threshold, possible crisis words ("i just want it all to stop"):
# the answer plus one line on 988. Out of fold (3 folds, dev part, fine-tuned model alone),
# crisis messages reaching 0.7 were 0.80 against 0.66 at 0.9, for 0.093 of harmless
# messages (0.151 at 0.5, 0.068 at 0.8): a caring line costs a look-alike little.
CRISIS_SAFETY_NET: Final = 0.7
# The reviewed-exemplar layer: cosine similarity of a clause to a red-flag exemplar that
# counts, unless a benign look-alike is within the margin. On tests/data/safety_cases.yaml
# ordinary back-pain questions reach about 0.74 against the emergency exemplars, real red
# flags in words the rules miss 0.78 and up.
EXEMPLAR_FLOOR: Final = {"emergency": 0.76, "urgent": 0.78, "crisis": 0.66}
EXEMPLAR_BENIGN_MARGIN: Final = 0.02
# The newest content gaps staff see grouped: grouping is quadratic in the worst case, and
# 2,000 questions already cover months of a clinic's no-answers.
GAP_MAX_ROWS: Final = 2000
# Clauses of one message the exemplar layer embeds, evenly spread over the message.
# A 2,000-character message can hold ~250 clauses (~10 s of embedding on two cores); the
# rules still read every clause.
SAFETY_MAX_CLAUSES: Final = 24
# Sentences of one message the triage classifier scores (besides the whole message), evenly
# spread over the message; a 2,000-character message rarely has more.
TRIAGE_MAX_UNITS: Final = 32
# Tokens the fine-tuned triage model reads of one text (its training length): a longer
# message is cut, and is read in full through its sentences and runs.
TRIAGE_MAX_TOKENS: Final = 128
# Sentences read together as one more unit at triage (bot/safety/classifier.units), in
# stories of more sentences than this. Picked on out-of-fold dev scores (the fine-tuned
# model of each fold; training reads single sentences either way): see TUNED_THRESHOLDS.
TRIAGE_WINDOW: Final = 2
# glibc malloc arenas of the server process. By default each thread that allocates may get
# its own arena (up to 8 per core), and the request threads, ONNX Runtime and Chroma leave
# each one fragmented: with 2, the server's peak (VmHWM) over chat and a 200-article
# refresh fell from 547 MB to 428-491 MB (five runs on this 2-core machine under load),
# throughput within the run-to-run noise.
MALLOC_ARENAS: Final = 2
