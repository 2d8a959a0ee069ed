"""Concept data for the RR-ALL terminology (input to tools/build_content.py).

Every definition is written for this project from what the seed documents say;
nothing is copied. ``docs`` lists seed-document numbers (0-4, see SEEDS in
build_content.py). Properties whose value starts with a seed file name carry one
document's view where the documents disagree.
"""
from __future__ import annotations


def C(code, display, definition, docs, syn=(), abstract=False, props=(), children=()):
    return {
        "code": code,
        "display": display,
        "definition": definition,
        "docs": list(docs),
        "syn": list(syn),
        "abstract": abstract,
        "props": list(props),
        "children": list(children),
    }


S = [
    "000_4cf504f23e26ef8d.txt",
    "001_bc64aeca3d634403.txt",
    "002_d8456a35d27e8f05.txt",
    "003_859351e8ceea3ab9.txt",
    "004_9a1520f69da2f2e2.txt",
]


def V(doc, text):
    """A document-attributed statement (value of a stated-*/document-view property)."""
    return f"{S[doc]}: {text}"


# --------------------------------------------------------------------------
# 1. Disease status and response
# --------------------------------------------------------------------------
DISEASE_STATUS = C(
    "disease-status", "ALL disease status or response",
    "Grouping for the states an acute lymphoblastic leukemia can be in over the course of care: "
    "newly found, in remission, returned, unresponsive to therapy, or considered cured.",
    [0, 1, 2, 3, 4], abstract=True, children=[
        C("newly-diagnosed-all", "Newly diagnosed ALL",
          "ALL at the time it is first found, before any remission or relapse; the documents use it as the "
          "yardstick when saying relapse symptoms and tests are the same as at first diagnosis.",
          [0, 1, 3, 4], syn=["Initial ALL", "Original ALL"]),
        C("relapsed-or-refractory", "Relapsed or refractory ALL",
          "Umbrella status for leukemia that has either come back after a remission or never cleared "
          "despite treatment; both call for further, usually more intensive, therapy.",
          [3, 4], syn=["Relapsed/refractory ALL"],
          props=[("stated-frequency", V(4, "seen in 15-20% of children with ALL in the United States"))],
          children=[
              C("relapse", "Relapsed ALL",
                "Return of leukemia after treatment had brought it into remission, shown by leukemic cells "
                "increasing again (typically in the marrow) while normal blood cells fall; it may appear "
                "months or years after treatment.",
                [0, 1, 2, 3, 4], syn=["Relapse", "Recurrence", "ALL relapse"],
                props=[
                    ("stated-frequency", V(0, "about 10% of children and as many as 50% of adults relapse")),
                    ("stated-frequency", V(1, "nearly 10% of children and almost 50% of adults relapse (figures attributed to Leukaemia Care)")),
                    ("stated-frequency", V(3, "between 15% and 20% of children and around 40% of adults relapse")),
                    ("document-view", V(3, "relapse is also explained as occurring in patients with residual marrow leukaemia after intensive treatment, the same wording the document uses for refractory disease")),
                ]),
              C("refractory", "Refractory ALL",
                "Leukemia that fails to respond to treatment, so that remission is not reached or leukemic "
                "cells persist despite therapy.",
                [0, 3, 4],
                props=[
                    ("document-view", V(0, "refractoriness is stated relative to a particular drug, prompting a switch of treatment")),
                    ("document-view", V(3, "either complete remission is not reached, or leukaemia cells remain in the marrow after intensive treatment")),
                    ("document-view", V(4, "ALL that does not respond and does not go away despite treatment")),
                ],
                children=[
                    C("primary-resistant-disease", "Primary resistant disease",
                      "Failure of the first (induction) treatment to produce any complete remission, i.e. "
                      "the disease is resistant from the outset rather than after a remission.",
                      [3], syn=["Refractory to initial induction therapy"],
                      props=[("stated-frequency", V(3, "about 20% of ALL patients do not respond to treatment"))]),
                    C("residual-leukaemia-after-intensive-treatment", "Residual marrow leukemia after intensive treatment",
                      "Leukemic cells still found in the bone marrow after a course of intensive therapy, "
                      "counted as a form of refractory disease.",
                      [3]),
                    C("refractory-to-drug", "Refractory to a specific drug",
                      "Lack of response or failure to reach remission with one named agent, which is a "
                      "signal to change to a different treatment.",
                      [0]),
                ]),
          ]),
        C("treatment-response", "Response to treatment",
          "Grouping for how the leukemia has reacted to therapy, as judged by clinical findings, blood "
          "counts, marrow examination and residual-disease testing.",
          [2, 3, 4], abstract=True, syn=["Treatment response"], children=[
              C("remission", "Remission",
                "State after successful treatment in which the leukemia is no longer evident or is clearly "
                "reduced; it may be complete or partial.",
                [0, 1, 2, 3], syn=["In remission"], children=[
                    C("complete-remission", "Complete remission",
                      "Remission in which no leukemia can be found by the tests used; the documents describe "
                      "the threshold for this differently (see document-view).",
                      [1, 2, 3, 4],
                      props=[
                          ("document-view", V(1, "all signs and symptoms have gone and tests no longer detect cancer, which does not prove that none is left")),
                          ("document-view", V(2, "no evidence of leukemia cells anywhere in the body; the goal of first treatment")),
                          ("document-view", V(3, "normal blood counts, fewer than 5% leukaemia cells in the marrow and no leukaemia detectable elsewhere; MRD testing assesses remission more precisely")),
                          ("stated-frequency", V(3, "after standard induction about 60-80% of younger adults and 40-50% of older adults reach it")),
                      ],
                      children=[
                          C("first-complete-remission", "First complete remission",
                            "The first complete remission a patient reaches after initial treatment; its "
                            "length is used to sort relapses into timing groups.",
                            [2, 4], syn=["Initial complete remission"]),
                      ]),
                    C("partial-remission", "Partial remission",
                      "Remission in which the leukemia is responding and fewer leukemic cells circulate, but "
                      "the disease has not cleared completely.",
                      [1]),
                ]),
              C("no-response", "No response to treatment",
                "Assessment that the leukemia has not reacted to a given treatment; the finding underlying a "
                "label of refractory disease.",
                [0, 3, 4], syn=["Does not respond to treatment"]),
          ]),
        C("cure", "Cure",
          "Lasting elimination of the leukemia so that it is regarded as gone for good; documents state it "
          "differently and note it remains possible after relapse.",
          [0, 1, 4], syn=["Cured"],
          props=[
              ("document-view", V(0, "a relapsed patient can still be cured")),
              ("document-view", V(1, "some doctors regard a person as cured after at least 5 years in complete remission (attributed to the National Cancer Institute)")),
              ("document-view", V(4, "the overall cure rate for childhood ALL in the United States is about 90%, and the chance of cure falls with each relapse")),
          ]),
        C("mrd-status", "Measurable residual disease status",
          "Grouping for the result of testing for the very small amounts of leukemia that remain below the "
          "detection limit of the microscope.",
          [3, 4], abstract=True, syn=["MRD status", "Minimal residual disease status"], children=[
              C("mrd-positive", "MRD positive",
                "Residual-disease test shows that leukemic cells are still present; it points to a higher "
                "risk of relapse and a poorer outlook.",
                [3, 4], syn=["Measurable residual disease positive", "Minimal residual disease positive"]),
              C("mrd-negative", "MRD negative",
                "Residual-disease test finds no detectable leukemia in the sample.",
                [3], syn=["Measurable residual disease negative", "Minimal residual disease negative"]),
          ]),
        C("cns-involvement", "CNS involvement by ALL",
          "Presence of leukemic cells in the central nervous system, usually shown by finding them in "
          "spinal fluid; it is linked with worse outcomes.",
          [1, 2], syn=["Central nervous system involvement", "Spread of ALL to the CNS"],
          props=[("stated-frequency", V(1, "seen in about 30-40% of people with relapsed ALL"))]),
        C("remission-criterion", "Remission assessment criterion",
          "Grouping for the individual conditions one document lists that must all hold for remission to be "
          "declared.",
          [3], abstract=True, children=[
              C("remission-criterion-normal-counts", "Blood counts back to normal",
                "Remission criterion: the blood cell counts have recovered to normal values.",
                [3]),
              C("remission-criterion-marrow-lt5", "Marrow leukemia cells below 5%",
                "Remission criterion: leukemic cells make up less than 5% of the cells in the bone marrow.",
                [3], syn=["Less than 5% leukemia cells in bone marrow"]),
              C("remission-criterion-no-extramedullary", "No leukemia detectable outside the marrow",
                "Remission criterion: no leukemic cells can be detected anywhere else in the body.",
                [3]),
          ]),
    ])

# --------------------------------------------------------------------------
# 2. Relapse timing, one scheme per seed document
# --------------------------------------------------------------------------
def T(code, display, definition, doc, measured_from=None, months=None, stated=None,
      prognosis=None, frequency=None, syn=()):
    props = []
    if measured_from:
        props.append(("measured-from", measured_from))
    if months is not None:
        props.append(("threshold-months", months))
    if stated:
        props.append(("threshold-stated", stated))
    if prognosis:
        props.append(("stated-prognosis", prognosis))
    if frequency:
        props.append(("stated-frequency", frequency))
    return C(code, display, definition, [doc], syn=syn, props=props)


RELAPSE_TIMING = C(
    "relapse-timing", "Relapse timing classification",
    "Grouping for the ways the seed documents place a relapse in time. Each document's scheme is kept "
    "separate because they measure from different starting points and use different cut-offs.",
    [0, 1, 2, 3, 4], abstract=True, children=[
        C("timing-scheme-000", "Relapse timing in seed document 000",
          "The single time window that seed document 000 mentions, counted from the first treatment.",
          [0], abstract=True, props=[("measured-from", "first-treatment")], children=[
              T("rt000-within-2y-first-treatment", "Relapse within 2 years of first treatment (000)",
                "Relapse occurring no more than two years after the first treatment began; the document "
                "says relapse is most likely in this window although it can happen at any time.",
                0, "first-treatment", 24, "within 2 years of the first treatment",
                frequency="relapse is more likely within this window than later"),
          ]),
        C("timing-scheme-001", "Relapse timing in seed document 001",
          "The time windows seed document 001 uses. They are counted from two different starting points "
          "(achieving complete remission, and the initial treatment) and are kept apart here.",
          [1], abstract=True, children=[
              T("rt001-during-or-shortly-after-treatment", "Relapse during or shortly after treatment (001)",
                "Relapse while therapy is still being given or soon after it stops; the document reports "
                "this as the usual time for ALL to relapse, without a numeric cut-off.",
                1, "treatment", None, "during or shortly after treatment (no number given)",
                frequency="ALL generally relapses in this period (attributed to the American Cancer Society)"),
              T("rt001-within-3y-cr", "Relapse within 3 years of complete remission (001)",
                "Relapse occurring no more than three years after complete remission was achieved.",
                1, "complete-remission", 36, "within 3 years of achieving complete remission",
                frequency="more than 90% of relapses fall in this window (2020 study)"),
              T("rt001-lt-3y-initial-treatment", "Relapse less than 3 years after initial treatment (001)",
                "Relapse occurring under three years from the initial treatment; associated in the document "
                "with a worse outlook.",
                1, "initial-treatment", 36, "less than 3 years (also phrased: within 3 years) after initial treatment",
                prognosis="less good outlook; in adults 5-year survival was 5.8% (2020 study)"),
              T("rt001-later-than-3y-initial-treatment", "Relapse later than 3 years after initial treatment (001)",
                "Relapse occurring after the three-year window counted from initial treatment; the document "
                "calls this a later stage and reports better survival than earlier relapse.",
                1, "initial-treatment", 36, "at a later stage than within 3 years of initial treatment",
                prognosis="in adults 5-year survival rose to 20% (2020 study)"),
          ]),
        C("timing-scheme-002", "Relapse timing in seed document 002",
          "The early/late split used by seed document 002, counted from the first (initial) complete "
          "remission with a 36-month cut-off.",
          [2], abstract=True, props=[("measured-from", "first-complete-remission")], children=[
              T("rt002-early-relapse", "Early relapse, within 36 months of initial complete remission (002)",
                "Relapse that appears no more than 36 months after the first complete remission was "
                "achieved.",
                2, "first-complete-remission", 36, "within 36 months of achieving initial complete remission",
                prognosis="generally a poorer prognosis than late relapse", syn=["Early relapse"]),
              T("rt002-late-relapse", "Late relapse, more than 36 months after initial complete remission (002)",
                "Relapse that appears after more than 36 months have passed since the first complete "
                "remission was achieved.",
                2, "first-complete-remission", 36, "more than 36 months after achieving initial complete remission",
                prognosis="generally a better prognosis than early relapse", syn=["Late relapse"]),
          ]),
        C("timing-scheme-003", "Relapse timing in seed document 003",
          "Seed document 003 treats the interval from initial diagnosis to relapse as a prognostic factor "
          "but gives no cut-off.",
          [3], abstract=True, props=[("measured-from", "diagnosis")], children=[
              T("rt003-diagnosis-to-relapse-interval", "Interval from initial diagnosis to relapse (003)",
                "The length of time between the first diagnosis of ALL and its relapse, recorded as a "
                "duration; the document names no threshold that splits it into classes.",
                3, "diagnosis", None, "no threshold stated",
                prognosis="prognosis depends on this interval (direction not stated)"),
          ]),
        C("timing-scheme-004", "Relapse timing in seed document 004",
          "The split used by seed document 004, counted from the end of treatment with a 6-month cut-off "
          "(presented under the heading 'length of the first complete remission').",
          [4], abstract=True, props=[("measured-from", "end-of-treatment")], children=[
              T("rt004-more-than-6m-after-end-of-treatment", "Relapse more than 6 months after end of treatment (004)",
                "Relapse that appears once more than six months have passed since treatment finished.",
                4, "end-of-treatment", 6, "more than 6 months after the end of treatment",
                prognosis="better treatment outlook than relapse that comes sooner"),
              T("rt004-sooner-after-end-of-treatment", "Relapse sooner than 6 months after end of treatment (004)",
                "Relapse that comes back sooner than the six-month mark after treatment finished (the "
                "document gives only the contrast, not a separate definition).",
                4, "end-of-treatment", 6, "sooner than the more-than-6-months group (only the contrast is stated)",
                prognosis="worse treatment outlook than relapse after more than 6 months"),
              T("rt004-early-cns-relapse", "Early brain and spinal cord relapse (004)",
                "Relapse in the central nervous system described as early; the document gives neither a "
                "starting point nor a threshold. Transplant is mentioned for it when the marrow is also "
                "involved.",
                4, None, None, "early (no threshold or reference point given)", syn=["Early CNS relapse"]),
          ]),
    ])

# --------------------------------------------------------------------------
# 3. Relapse site
# --------------------------------------------------------------------------
RELAPSE_SITE = C(
    "relapse-site", "Site of relapse",
    "Grouping for where in the body returning leukemia is found; the site guides treatment choice and "
    "affects prognosis.",
    [1, 2, 3, 4], abstract=True, syn=["Relapse site", "Location of relapse"], children=[
        C("bone-marrow-relapse", "Bone marrow relapse",
          "Relapse in which leukemic cells reappear in the bone marrow, whether or not other sites are also "
          "affected.",
          [2, 3, 4], children=[
              C("isolated-bone-marrow-relapse", "Isolated bone marrow relapse",
                "Relapse confined to the bone marrow, with no leukemia found at any other site; often "
                "treated with intensified chemotherapy, targeted drugs or transplant.",
                [2]),
          ]),
        C("extramedullary-relapse", "Extramedullary relapse",
          "Relapse at a site outside the bone marrow, such as the nervous system or testes.",
          [2, 3, 4], children=[
              C("cns-relapse", "Central nervous system relapse",
                "Relapse in which leukemic cells are found in the cerebrospinal fluid, brain or spinal "
                "cord; treated with chemotherapy given into the spinal fluid alongside systemic therapy.",
                [1, 2, 3, 4], syn=["CNS relapse", "Brain and spinal cord relapse"], children=[
                    C("isolated-cns-relapse", "Isolated CNS relapse",
                      "Relapse limited to the brain and spinal cord with the marrow unaffected; one document "
                      "describes chemotherapy, intrathecal chemotherapy and craniospinal radiation for it.",
                      [3, 4], syn=["Relapse only in the central nervous system"]),
                ]),
              C("testicular-relapse", "Testicular relapse",
                "Relapse in which leukemia reappears in the testicles; applies to males only.",
                [3, 4], syn=["Testicular involvement"]),
              C("other-extramedullary-relapse", "Relapse at other extramedullary sites",
                "Relapse in a part of the body other than the marrow, central nervous system or testes.",
                [2], syn=["Relapse in other parts of the body"]),
          ]),
        C("combined-relapse", "Combined bone marrow and CNS relapse",
          "Relapse in which leukemia is found at once in the marrow and in the brain or spinal cord.",
          [2], syn=["Combined relapse"]),
    ])

# --------------------------------------------------------------------------
# 4. Relapse count
# --------------------------------------------------------------------------
RELAPSE_COUNT = C(
    "relapse-count", "Relapse number",
    "Grouping for how many times the leukemia has returned; each further relapse lowers the chance of "
    "cure.",
    [1, 3, 4], abstract=True, syn=["Number of relapses"], children=[
        C("first-relapse", "First relapse",
          "The first return of leukemia after a remission.",
          [3, 4],
          props=[("stated-prognosis", V(4, "about 30-50% of patients survive after their first relapse")),
                 ("stated-prognosis", V(1, "5-year survival for children with relapsed ALL is about 50% (2020 research; relapse number not stated)"))]),
        C("repeat-relapse", "Repeat relapse",
          "Any relapse after the first one; survival is lower and the chance of cure falls each time.",
          [1, 3, 4], abstract=True, syn=["Future relapse", "Relapse more than once"], children=[
              C("second-relapse", "Second relapse",
                "The second return of leukemia, following a remission after the first relapse.",
                [3]),
              C("third-or-later-relapse", "Third or later relapse",
                "A third or further return of leukemia.",
                [3, 4]),
          ]),
    ])

# --------------------------------------------------------------------------
# 5. ALL lineage and subtype
# --------------------------------------------------------------------------
SUBTYPE = C(
    "all", "Acute lymphoblastic leukemia",
    "A rapidly progressing malignancy of the blood-forming marrow that arises from immature lymphocytes; "
    "commonest in young children, with risk rising again from about age 50.",
    [0, 1, 2, 3, 4], syn=["ALL", "Acute lymphocytic leukemia"], children=[
        C("all-by-age-group", "ALL by age group",
          "Grouping that separates ALL in children from ALL in adults, since relapse rates and outlook "
          "differ by age.",
          [0, 1, 3, 4], abstract=True, children=[
              C("childhood-all", "Childhood ALL",
                "ALL diagnosed in a child; relapse is less common than in adults and overall cure rates are "
                "high.",
                [0, 1, 3, 4], syn=["Pediatric ALL", "Childhood acute lymphoblastic leukemia"]),
              C("adult-all", "Adult ALL",
                "ALL diagnosed in an adult; the documents report markedly higher relapse rates than in "
                "children.",
                [0, 1, 3], syn=["Adult acute lymphoblastic leukemia"]),
          ]),
        C("all-by-lineage", "ALL by lineage",
          "Grouping by which type of lymphocyte the leukemic cells come from, as determined by "
          "immunophenotyping.",
          [1, 4], abstract=True, syn=["Type of ALL"], children=[
              C("b-cell-all", "B-cell ALL",
                "ALL arising from B-lymphocyte precursors (the antibody-making lineage); has a better outlook "
                "than T-cell ALL and responds to CAR T-cell therapy at relapse.",
                [1, 3, 4], syn=["B-cell acute lymphoblastic leukemia", "B-lymphoblastic leukemia"], children=[
                    C("ikzf1-deleted-b-all", "B-cell ALL with IKZF1 deletion",
                      "B-lineage ALL carrying a deletion of the IKZF1 gene; a cited study reports that "
                      "intensifying treatment for it lowers relapse.",
                      [3], syn=["B-lymphoblastic leukemia with IKZF1 deletion"]),
                ]),
              C("t-cell-all", "T-cell ALL",
                "ALL arising from T-lymphocyte precursors; carries a higher relapse risk and a worse outlook "
                "than B-cell ALL, and may be treated with nelarabine or bortezomib.",
                [1, 4], syn=["T-cell acute lymphoblastic leukemia"]),
          ]),
        C("all-by-genetic-subtype", "ALL by genetic subtype",
          "Grouping by chromosomal or gene changes in the leukemic cells that steer targeted treatment or "
          "influence relapse risk.",
          [0, 1, 2, 3], abstract=True, children=[
              C("ph-positive-all", "Philadelphia chromosome-positive ALL",
                "ALL whose cells carry the Philadelphia chromosome; a tyrosine kinase inhibitor is added to "
                "treatment for these patients.",
                [3], syn=["Philadelphia-positive ALL"]),
              C("high-hyperdiploid-all", "High hyperdiploid ALL",
                "ALL whose cells contain many extra chromosomes; a cited study links relapse in this group "
                "with CREBBP mutations.",
                [3], syn=["High hyperdiploid childhood ALL"]),
          ]),
    ])

# --------------------------------------------------------------------------
# 6. Diagnostic tests and procedures
# --------------------------------------------------------------------------
DIAGNOSTIC = C(
    "diagnostic-procedure", "Diagnostic test or procedure for ALL",
    "Grouping for the assessments used to detect, confirm and characterise (relapsed) ALL; relapse is "
    "diagnosed with the same tests as the original disease.",
    [0, 1, 2, 3, 4], abstract=True, children=[
        C("clinical-assessment", "Clinical assessment",
          "Grouping for the history-taking and examination that start a work-up for suspected relapse.",
          [2], abstract=True, children=[
              C("medical-history-evaluation", "Medical history evaluation",
                "Review of earlier diagnoses, past treatments and how the patient responded to them, to put "
                "a suspected relapse in context.",
                [2, 3], syn=["Medical history review"]),
              C("physical-examination", "Physical examination",
                "Hands-on examination of general health looking for enlarged lymph nodes or organs and "
                "other abnormalities.",
                [2]),
          ]),
        C("blood-tests", "Blood test",
          "Laboratory testing of a blood sample to look for changes suggesting leukemia.",
          [1, 2], syn=["Blood tests"], children=[
              C("cbc", "Complete blood count",
                "Count of red cells, white cells and platelets in blood; low red cell and platelet counts "
                "or an otherwise abnormal result raise suspicion of relapse.",
                [1, 2], syn=["CBC"]),
              C("peripheral-blood-smear", "Peripheral blood smear",
                "Microscope review of a thin film of blood to judge whether the cells look normal; excess "
                "blast cells suggest relapse.",
                [1]),
          ]),
        C("bone-marrow-aspiration-and-biopsy", "Bone marrow aspiration and biopsy",
          "Sampling of the bone marrow (usually from the hip bone) for microscope and laboratory study; key "
          "for confirming relapse and defining the ALL subtype.",
          [1, 2], children=[
              C("bone-marrow-aspiration", "Bone marrow aspiration",
                "Withdrawal of liquid marrow through a needle for examination.",
                [1, 2]),
              C("bone-marrow-biopsy", "Bone marrow biopsy",
                "Removal of a small core of bone together with marrow for examination.",
                [1, 2]),
          ]),
        C("lumbar-puncture", "Lumbar puncture",
          "Collection of cerebrospinal fluid with a needle in the lower back so it can be checked for "
          "leukemic cells when CNS involvement is suspected.",
          [1, 2], syn=["Spinal tap"]),
        C("immunophenotyping", "Immunophenotyping",
          "Laboratory test of the marker proteins on the surface of leukemic cells, used to tell B-cell "
          "from T-cell disease and to classify abnormal lymphocytes or blasts.",
          [1]),
        C("genetic-and-molecular-testing", "Genetic and molecular testing",
          "Grouping for tests that look at chromosomes, genes and rearrangements in leukemic cells to refine "
          "diagnosis, predict prognosis and choose targeted therapy.",
          [2], abstract=True, children=[
              C("cytogenetic-analysis", "Cytogenetic analysis",
                "Study of the chromosomes of leukemic cells to find structural or numerical abnormalities.",
                [2]),
              C("molecular-testing", "Molecular testing",
                "Testing at DNA/RNA level to find specific gene mutations or rearrangements associated with "
                "ALL.",
                [2], children=[
                    C("pcr", "Polymerase chain reaction",
                      "Technique that copies targeted DNA sequences many times so that specific genetic "
                      "changes can be detected.",
                      [2, 3], syn=["PCR", "PCR test"]),
                    C("fish", "Fluorescence in situ hybridization",
                      "Technique that uses fluorescent probes binding to chromosomes to show particular gene "
                      "rearrangements in cells.",
                      [2], syn=["FISH"]),
                ]),
          ]),
        C("specimen", "Diagnostic specimen",
          "Grouping for the kinds of sample taken to test for leukemia.",
          [1, 2, 3], abstract=True, children=[
              C("specimen-peripheral-blood", "Peripheral blood sample",
                "Blood drawn from a vein for counts, smears or residual-disease testing.",
                [1, 2, 3], syn=["Blood sample"]),
              C("specimen-bone-marrow", "Bone marrow sample",
                "Liquid marrow or marrow-and-bone core removed for examination.",
                [1, 2, 3]),
              C("specimen-csf", "Cerebrospinal fluid sample",
                "Spinal fluid obtained by lumbar puncture and checked for leukemic cells.",
                [1, 2], syn=["CSF sample", "Spinal fluid sample"]),
          ]),
    ])

# --------------------------------------------------------------------------
# 7. MRD assessment
# --------------------------------------------------------------------------
MRD = C(
    "mrd-assessment", "Measurable residual disease assessment",
    "Grouping for how residual-disease testing is done: laboratory method, sample and timepoint. MRD "
    "detects leukemia at molecular rather than cellular level, below what a microscope can see.",
    [3, 4], abstract=True, syn=["MRD assessment", "Minimal residual disease assessment"], children=[
        C("mrd-method", "MRD laboratory method",
          "Grouping for laboratory techniques used to measure residual disease.",
          [3], abstract=True, children=[
              C("mrd-flow-cytometry", "Flow cytometry MRD test",
                "Residual-disease measurement that detects rare leukemic cells by their surface markers as "
                "cells pass through a laser-based counter.",
                [3], syn=["Flow cytometry"]),
              C("mrd-pcr", "PCR MRD test",
                "Residual-disease measurement that amplifies a DNA sequence specific to the patient's "
                "leukemia to find very small amounts.",
                [3], syn=["Polymerase chain reaction (PCR) test"]),
          ]),
        C("mrd-sample", "MRD sample type",
          "Grouping for the kind of sample on which residual disease is measured.",
          [3], abstract=True, children=[
              C("mrd-sample-blood", "Blood sample for MRD",
                "Residual-disease testing done on blood.",
                [3]),
              C("mrd-sample-bone-marrow", "Bone marrow sample for MRD",
                "Residual-disease testing done on bone marrow.",
                [3]),
          ]),
        C("mrd-timepoint", "MRD timepoint",
          "Grouping for when in the course of care residual disease is measured.",
          [3, 4], abstract=True, children=[
              C("mrd-during-treatment", "MRD measured during treatment",
                "Residual-disease test done while therapy is ongoing.",
                [3, 4]),
              C("mrd-after-induction", "MRD measured after induction",
                "Residual-disease test done once induction chemotherapy is finished; persisting disease at "
                "this point predicts relapse.",
                [3]),
              C("mrd-after-treatment", "MRD measured after treatment",
                "Residual-disease test done after therapy, used to estimate the risk of relapse.",
                [3, 4]),
          ]),
    ])

# --------------------------------------------------------------------------
# 8. Treatment modality
# --------------------------------------------------------------------------
TREATMENT = C(
    "treatment-modality", "Treatment modality for ALL",
    "Grouping for the kinds of treatment the documents describe for ALL and its relapse, chosen according "
    "to relapse type and site, age, health and earlier treatment.",
    [0, 1, 2, 3, 4], abstract=True, children=[
        C("chemotherapy", "Chemotherapy",
          "Treatment with anticancer drugs that kill dividing leukemic cells; the mainstay of both first and "
          "relapse treatment.",
          [0, 1, 2, 3, 4], children=[
              C("combination-chemotherapy", "Combination chemotherapy",
                "Chemotherapy using more than one anticancer drug at the same time.",
                [0, 1, 2, 3]),
              C("intensive-chemotherapy", "Intensified chemotherapy",
                "Chemotherapy given at greater intensity than first-line treatment, as commonly needed for "
                "relapsed or refractory disease.",
                [2, 3, 4], syn=["Intensive chemotherapy", "Intense chemotherapy", "More intensive chemotherapy regimen"]),
              C("high-dose-chemotherapy", "High-dose chemotherapy",
                "Chemotherapy using larger doses than standard, which some relapsed or refractory patients "
                "need.",
                [4], syn=["High doses of chemotherapy"]),
              C("induction-therapy", "Induction therapy",
                "The first phase of treatment, aimed at bringing the leukemia into remission.",
                [3], syn=["Induction chemotherapy", "Standard induction therapy"]),
              C("reinduction-chemotherapy", "Reinduction chemotherapy",
                "Repeat induction-style chemotherapy given after relapse to regain remission; usually more "
                "intensive than the first round; response after its first month is prognostic.",
                [3], syn=["Reinduction treatment"]),
              C("systemic-chemotherapy", "Systemic chemotherapy",
                "Chemotherapy carried through the bloodstream to cells throughout the body.",
                [1, 2], syn=["Systemic therapy"]),
              C("intrathecal-chemotherapy", "Intrathecal chemotherapy",
                "Chemotherapy injected into the spinal fluid, between the membranes covering the brain and "
                "spinal cord, to treat or prevent CNS disease.",
                [1, 2, 4], syn=["Chemotherapy injected into the cerebrospinal fluid"]),
              C("re-use-prior-agents", "Retreatment with previously used agents",
                "Giving again chemotherapy drugs that were used in first treatment, as one option at relapse.",
                [0]),
          ]),
        C("targeted-therapy", "Targeted therapy",
          "Drugs aimed at particular molecular features of leukemic cells, chosen according to the genetic "
          "make-up of the leukemia.",
          [1, 2, 3, 4], syn=["Targeted treatment"], children=[
              C("tki-therapy", "Tyrosine kinase inhibitor therapy",
                "Targeted treatment with a tyrosine kinase inhibitor, included for Philadelphia-positive "
                "patients.",
                [3], syn=["TKI therapy"]),
          ]),
        C("immunotherapy", "Immunotherapy",
          "Treatment that harnesses the immune system to recognise and destroy leukemic cells.",
          [2, 3, 4], children=[
              C("monoclonal-antibody-therapy", "Monoclonal antibody therapy",
                "Immunotherapy with laboratory-made antibodies that bind to leukemic cells.",
                [2, 3], syn=["Targeted immunotherapy"]),
              C("car-t", "CAR T-cell therapy",
                "Immunotherapy in which the patient's own T cells are engineered to carry a chimeric antigen "
                "receptor so they attack the leukemia; reported as effective in relapsed B-cell ALL.",
                [1, 2, 3, 4], syn=["Chimeric antigen receptor T-cell therapy", "CAR-T cell therapy"]),
          ]),
        C("stem-cell-transplant", "Stem cell transplant",
          "Replacement of diseased bone marrow with healthy blood-forming stem cells, offered when ALL is hard "
          "to treat or has relapsed.",
          [0, 1, 2, 3, 4], syn=["Stem cell transplantation", "Bone marrow transplant",
                                "Transplant of blood-forming stem cells", "Stem cell (bone marrow) transplant"],
          children=[
              C("allogeneic-sct", "Allogeneic stem cell transplant",
                "Transplant using healthy stem cells from a donor, intended to clear the cancer and rebuild "
                "blood and immune function.",
                [2]),
          ]),
        C("radiation-therapy", "Radiation therapy",
          "Treatment using high-energy radiation to kill leukemic cells in a targeted area.",
          [1, 2, 3, 4], children=[
              C("low-dose-radiation", "Low-dose radiation therapy",
                "Radiation therapy at a reduced dose, listed as an option for adults with relapsed ALL.",
                [1]),
              C("craniospinal-radiation", "Radiation therapy to the brain and spine",
                "Radiation directed to the brain and spinal cord, used with chemotherapy for relapses "
                "limited to those areas.",
                [4]),
          ]),
        C("cns-directed-therapy", "CNS-directed therapy",
          "Treatment aimed specifically at leukemia in the brain and spinal cord, e.g. intrathecal "
          "chemotherapy or cranial/spinal radiation.",
          [1, 2, 3, 4], syn=["Central nervous system treatment"]),
        C("combined-modality", "Combination of treatment modalities",
          "Use of more than one kind of treatment together, e.g. chemotherapy plus targeted therapy.",
          [3, 4], syn=["Combination of treatments"], children=[
              C("chemo-then-sct", "Combination chemotherapy followed by stem cell transplant",
                "Sequence of combination chemotherapy and then a transplant, listed as an option for adults "
                "with relapsed ALL.",
                [1]),
          ]),
        C("frontline-treatment", "Frontline treatment",
          "The first treatment given for newly diagnosed ALL, aimed at remission; relapse treatment is "
          "compared with it.",
          [1, 2, 3], syn=["Initial treatment", "First-round chemotherapy"]),
        C("clinical-trial", "Clinical trial participation",
          "Receiving treatment within a research study that tests new treatments or combinations for safety "
          "and effectiveness.",
          [2, 4], syn=["Clinical trial"]),
        C("palliative-care", "Palliative care",
          "Care focused on relieving pain, symptoms and treatment side effects; the documents recommend "
          "starting it early.",
          [4], syn=["Early palliative care"]),
        C("supportive-care", "Supportive care",
          "Care given in parallel with anticancer treatment that looks after the overall wellbeing of the patient "
          "and family rather than the leukemia itself.",
          [4]),
        C("integrative-medicine", "Integrative medicine",
          "Complementary therapies used alongside standard treatment to help with side effects.",
          [4], syn=["Complementary medicine"]),
    ])

# --------------------------------------------------------------------------
# 9. Named drugs and regimens
# --------------------------------------------------------------------------
DRUG = C(
    "drug-or-regimen", "Drug or regimen for ALL",
    "Grouping for individual medicines, drug classes and named combinations the documents mention for "
    "treating ALL or supporting patients.",
    [3, 4], abstract=True, children=[
        C("chemotherapy-agent", "Chemotherapy agent",
          "Grouping for named cytotoxic drugs listed among chemotherapy options.",
          [3, 4], abstract=True, children=[
              C("fludarabine", "Fludarabine", "Chemotherapy drug that forms part of the FLAG and FLAG-IDA combinations.", [3]),
              C("cytarabine", "Cytarabine", "Chemotherapy drug that forms part of the FLAG and FLAG-IDA combinations.", [3]),
              C("idarubicin", "Idarubicin", "Chemotherapy drug added to FLAG to make the FLAG-IDA combination.", [3]),
              C("nelarabine", "Nelarabine", "Drug that may be given to patients whose ALL is of T-cell type.", [4]),
              C("bortezomib", "Bortezomib", "Drug that may be given to patients whose ALL is of T-cell type; the document lists it under chemotherapy.", [4]),
          ]),
        C("immunotherapy-agent", "Targeted immunotherapy agent",
          "Grouping for antibody-based drugs that direct the immune system or a toxin against leukemic cells.",
          [3], abstract=True, children=[
              C("blinatumomab", "Blinatumomab", "Targeted immunotherapy drug named as a frontline option that can bring about remission.", [3]),
              C("inotuzumab-ozogamicin", "Inotuzumab ozogamicin", "Targeted immunotherapy drug named as a frontline option that can bring about remission.", [3]),
          ]),
        C("tki", "Tyrosine kinase inhibitor",
          "Class of targeted drug that blocks tyrosine kinase signalling; included for Philadelphia-positive "
          "patients.",
          [3], syn=["TKI"]),
        C("g-csf", "Granulocyte colony-stimulating factor",
          "Growth factor that stimulates production of white blood cells; the third component of FLAG.",
          [3]),
        C("anti-infective-medicine", "Anti-infective medicine",
          "Grouping for medicines given to prevent infections during intensive treatment.",
          [4], abstract=True, children=[
              C("antibiotics", "Antibiotic", "Medicine against bacteria, used as advised by the care team to prevent infection.", [4], syn=["Antibiotic medicine"]),
              C("antifungals", "Antifungal", "Medicine against fungi, used as advised by the care team to prevent infection.", [4], syn=["Antifungal medicine"]),
          ]),
        C("chemotherapy-regimen", "Chemotherapy regimen",
          "Grouping for named multi-drug combinations.",
          [3], abstract=True, children=[
              C("flag", "FLAG regimen",
                "Combination of fludarabine, cytarabine and granulocyte colony-stimulating factor, named as "
                "a preferred chemotherapy choice for relapsed or refractory ALL.",
                [3], syn=["FLAG"],
                props=[("has-component", "fludarabine"), ("has-component", "cytarabine"), ("has-component", "g-csf")]),
              C("flag-ida", "FLAG-IDA regimen",
                "The FLAG combination with idarubicin added, named as a preferred chemotherapy choice for "
                "relapsed or refractory ALL.",
                [3], syn=["FLAG-IDA"],
                props=[("has-component", "fludarabine"), ("has-component", "cytarabine"),
                       ("has-component", "g-csf"), ("has-component", "idarubicin")]),
          ]),
    ])

# --------------------------------------------------------------------------
# 10. Symptoms and signs
# --------------------------------------------------------------------------
SYMPTOM = C(
    "symptom-or-sign", "Symptom or sign of ALL",
    "Grouping for complaints and findings of ALL; the documents agree relapse presents like the original "
    "disease, varying with relapse site.",
    [0, 1, 2, 3, 4], abstract=True, children=[
        C("general-symptom", "General symptom", "Grouping for whole-body complaints.", [2, 3, 4], abstract=True, children=[
            C("fatigue", "Fatigue",
              "Ongoing tiredness and lack of energy, often worse than usual and brought on by little effort.",
              [2, 4], syn=["Tiredness", "Lack of energy", "Easy fatigability"]),
            C("weakness", "Weakness", "Loss of physical strength, one way anemia shows itself.", [2]),
            C("fever", "Fever", "Raised body temperature.", [3, 4]),
            C("loss-of-appetite", "Loss of appetite", "Reduced desire to eat.", [2, 4], syn=["Decreased appetite"]),
            C("weight-loss", "Unintentional weight loss", "Losing body weight without trying to.", [2], syn=["Weight loss"]),
            C("eating-pattern-change", "Change in eating patterns", "Alteration in how or when a person eats.", [2]),
        ]),
        C("recurrent-infections", "Recurrent infections",
          "Infections that come often or are severe (bacterial or viral) because the body's defences are "
          "weakened.",
          [2, 3, 4], syn=["Frequent infections", "Increased susceptibility to infections"]),
        C("pain-symptom", "Pain symptom", "Grouping for painful complaints.", [2, 3, 4], abstract=True, children=[
            C("bone-pain", "Bone pain", "Pain or discomfort felt in the bones, especially of the limbs or back.", [2, 3, 4], syn=["Pain in the bones"]),
            C("joint-pain", "Joint pain", "Pain felt in the joints.", [3, 4], syn=["Pain in the joints"]),
            C("abdominal-pain", "Abdominal pain", "Pain in the belly, for example from an enlarged liver or spleen.", [2, 3]),
            C("abdominal-fullness", "Pain or fullness below the rib cage",
              "Discomfort or a sense of fullness under the ribs, typically from organ enlargement.", [2, 4], syn=["Abdominal fullness"]),
        ]),
        C("bleeding-sign", "Bleeding or bruising sign",
          "Grouping for signs of poor clotting caused by a low platelet count.", [2, 3, 4], abstract=True, children=[
            C("easy-bruising", "Easy bruising", "Bruises that appear readily or without a clear cause.", [2, 3, 4], syn=["Unexplained bruising", "Bruising"]),
            C("prolonged-bleeding", "Bleeding that is hard to stop",
              "Bleeding, for example from cuts, that continues longer than normal.", [2, 4], syn=["Prolonged bleeding", "Easy bleeding"]),
            C("nosebleeds", "Nosebleed", "Bleeding from the nose, which may be frequent.", [2], syn=["Frequent nosebleeds"]),
            C("bleeding-gums", "Bleeding gums", "Bleeding from the gums.", [2]),
            C("petechiae", "Petechiae", "Tiny flat dark-red spots on the skin caused by small bleeds.", [3, 4], syn=["Small red spots on the skin", "Tiny dark-red skin spots"]),
        ]),
        C("anemia-sign", "Sign of anemia",
          "Grouping for effects of a reduced red cell count.", [2, 3, 4], abstract=True, children=[
            C("anaemia", "Anemia", "Shortage of red blood cells, causing paleness, weakness and tiredness.", [2, 3]),
            C("pallor", "Pale skin", "Skin paler than usual, a sign of anemia.", [2, 4], syn=["Paleness"]),
        ]),
        C("dyspnoea", "Dyspnea",
          "Difficulty breathing or feeling out of breath, particularly on slight exertion.",
          [2, 3, 4], syn=["Shortness of breath", "Difficulty breathing"]),
        C("organ-enlargement", "Enlarged lymph nodes or organs",
          "Grouping for swelling of lymph nodes, liver or spleen.", [2, 3, 4], abstract=True, children=[
            C("enlarged-lymph-nodes", "Enlarged lymph nodes",
              "Swollen lymph nodes, which may be felt as lumps in the neck, armpit, abdomen or groin.",
              [2, 3, 4], syn=["Swollen lymph nodes", "Lumps in the neck, underarm, stomach, or groin"]),
            C("hepatomegaly", "Enlarged liver", "Liver larger than normal.", [2, 4]),
            C("splenomegaly", "Enlarged spleen", "Spleen larger than normal.", [2, 4]),
        ]),
        C("cns-symptoms", "Central nervous system symptom",
          "Grouping for neurological complaints seen when leukemia relapses in the brain or spinal cord.",
          [2], abstract=True, syn=["CNS symptom"], children=[
            C("headache", "Headache", "Pain in the head.", [2], syn=["Headaches"]),
            C("seizures", "Seizure", "Episode of abnormal electrical brain activity causing convulsions or altered awareness.", [2], syn=["Seizures"]),
            C("dizziness", "Dizziness", "Sensation of light-headedness or unsteadiness.", [2]),
            C("blurred-vision", "Blurred vision", "Loss of sharpness of sight.", [2]),
            C("behaviour-change", "Change in behavior", "Noticeable alteration in how a person acts.", [2], syn=["Behavior change"]),
            C("cognitive-change", "Change in cognition", "Noticeable alteration in thinking, memory or understanding.", [2], syn=["Cognitive change"]),
        ]),
        C("laboratory-sign", "Laboratory sign",
          "Grouping for abnormal test results that point to leukemia or its return.", [0, 1, 2, 3], abstract=True, children=[
            C("abnormal-cbc", "Abnormal complete blood count", "Blood count result outside normal ranges, raising suspicion of leukemia.", [2], syn=["Abnormal CBC"]),
            C("low-rbc", "Low red blood cell count", "Fewer red cells than expected in the blood.", [1, 2], syn=["Reduced red blood cell count"]),
            C("low-platelets", "Low platelet count", "Fewer platelets than expected in the blood.", [1]),
            C("increased-blasts-blood", "Increased blast cells in blood", "More immature blast cells in a blood film than there should be.", [1]),
            C("leukaemia-cells-in-csf", "Leukemia cells in cerebrospinal fluid",
              "Leukemic cells found in spinal fluid, meaning the disease has reached the central nervous system.", [1, 2]),
            C("decreased-normal-blood-cells", "Decrease in normal blood cells",
              "Falling numbers of healthy blood cells, which accompanies the return of leukemia in the marrow.", [3]),
            C("increase-leukemic-cells", "Increase in leukemic cells",
              "Rising number of leukemic cells in the body after a remission, the defining feature of relapse.", [0]),
        ]),
    ])

# --------------------------------------------------------------------------
# 11. Risk and prognostic factors
# --------------------------------------------------------------------------
RISK = C(
    "risk-or-prognostic-factor", "Risk or prognostic factor",
    "Grouping for patient and disease characteristics that raise the chance of relapse or shape the "
    "outlook once relapse has happened.",
    [0, 1, 2, 3, 4], abstract=True, children=[
        C("relapse-risk-factor", "Risk factor for relapse",
          "Grouping for characteristics that make relapse more likely.",
          [0, 1, 3, 4], abstract=True, children=[
              C("rf-age", "Age as a relapse risk factor",
                "The patient's age, which affects how likely relapse is.", [0, 1], children=[
                    C("rf-age-extremes", "Age under 6 months or over 60 years",
                      "Being younger than six months or older than sixty years, named as raising relapse risk.", [1]),
                    C("rf-adult-age", "Adult age",
                      "Being an adult rather than a child; relapse is more likely in adults.", [0, 1, 3]),
                ]),
              C("rf-male-sex", "Male sex", "Being male, named as raising relapse risk.", [1]),
              C("rf-high-wbc", "High white blood cell count", "A raised white cell count, named as raising relapse risk.", [1]),
              C("rf-t-lineage", "T-cell rather than B-cell ALL", "Having T-cell ALL, named as raising relapse risk compared with B-cell ALL.", [1]),
              C("rf-cns-spread", "Spread of ALL to the CNS", "Leukemia having reached the central nervous system, named as raising relapse risk.", [1]),
              C("rf-all-type", "Specific type of ALL", "The particular kind of ALL a patient has, named as affecting relapse risk.", [0]),
              C("rf-genetic", "Genetic changes in leukemia cells",
                "Gene mutations or other genetic changes in the leukemia that increase relapse risk.",
                [0, 1, 3], syn=["Gene mutations", "Genetic changes"], children=[
                    C("rf-therapy-induced-mutations", "Therapy-induced mutations",
                      "Mutations caused by earlier treatment that a cited study links to relapsed disease.", [3]),
                    C("rf-crebbp", "CREBBP HAT domain mutation",
                      "Mutation in the HAT domain of CREBBP reported in relapses of high hyperdiploid childhood ALL.", [3]),
                    C("rf-ikzf1-deletion", "IKZF1 deletion",
                      "Loss of the IKZF1 gene in B-lineage ALL; a cited study reports fewer relapses when treatment is intensified.", [3]),
                ]),
              C("rf-mrd-after-induction", "Persistent MRD after induction",
                "Residual disease still detectable after induction chemotherapy, which predicts relapse.",
                [3, 4], syn=["Persistence of measurable residual disease"]),
              C("rf-surviving-cells", "Leukemia cells surviving initial treatment",
                "Cancer cells that remain after first treatment and can regrow into a relapse.", [1, 2, 3]),
              C("rf-treatment-resistance", "Leukemia cells becoming resistant to treatment",
                "Leukemic cells acquiring resistance so that treatment no longer kills them.", [1]),
          ]),
        C("prognostic-factor", "Prognostic factor in relapsed ALL",
          "Grouping for characteristics that shape the outlook after relapse.",
          [1, 2, 3, 4], abstract=True, children=[
              C("pf-age", "Patient age", "The patient's age as an influence on the outlook after relapse.", [1, 2], children=[
                  C("pf-age-over-30", "Age over 30 years", "Being older than 30, linked to a less positive outlook after relapse.", [1]),
                  C("pf-age-at-diagnosis", "Age at initial diagnosis", "How old the patient was when ALL was first diagnosed.", [3]),
              ]),
              C("pf-relapse-site", "Relapse site as prognostic factor", "Where the relapse occurred, which influences outlook.", [1, 3, 4]),
              C("pf-time-to-relapse", "Time to relapse",
                "How long after an earlier milestone the relapse occurred; documents measure from different "
                "starting points (see the relapse timing code system).",
                [1, 2, 3, 4], children=[
                    C("pf-duration-cr1", "Length of first complete remission", "How long the first complete remission lasted.", [4]),
                    C("pf-time-diagnosis-to-relapse", "Time between initial diagnosis and relapse", "Interval from first diagnosis to relapse.", [3]),
                    C("pf-time-since-initial-treatment", "Time since initial treatment", "Interval from first treatment to relapse.", [1]),
                ]),
              C("pf-relapse-number", "Number of relapses", "How many relapses have occurred; outlook worsens with each one.", [1, 3, 4]),
              C("pf-relapse-type", "Type of relapse", "The kind of relapse (for example by timing or site), which guides treatment.", [1, 2]),
              C("pf-all-type", "Type of ALL as prognostic factor", "The kind of ALL the patient has, which influences outlook.", [1, 4], children=[
                  C("pf-lineage", "ALL lineage", "Whether the ALL is B-cell or T-cell; B-cell disease has the better outlook.", [1, 4]),
              ]),
              C("pf-treatment-response", "Response to previous treatment", "How the leukemia responded to earlier therapy.", [2, 4], children=[
                  C("pf-reinduction-response", "Response after first month of reinduction",
                    "How well the leukemia has responded after one month of reinduction treatment.", [3]),
              ]),
              C("pf-mrd", "MRD result", "Residual-disease status; detectable disease predicts a poorer prognosis.", [3, 4]),
              C("pf-cns-involvement", "CNS involvement at relapse", "Leukemia in the central nervous system at relapse, linked with less positive outcomes.", [1]),
              C("pf-overall-health", "Overall health", "The patient's general fitness, which shapes treatment choices.", [2]),
              C("pf-previous-treatments", "Previous treatments received", "What treatment the patient has already had.", [2, 3]),
          ]),
        C("outcome-measure", "Outcome measure",
          "Grouping for population figures the documents quote; values differ by document and are kept as "
          "attributed properties.",
          [0, 1, 3, 4], abstract=True, children=[
              C("relapse-rate", "Relapse rate", "Share of treated patients whose ALL comes back.", [0, 1, 3, 4],
                props=[
                    ("stated-frequency", V(0, "about 10% of children; up to 50% of adults")),
                    ("stated-frequency", V(1, "nearly 10% of children; almost 50% of adults")),
                    ("stated-frequency", V(3, "15-20% of children; around 40% of adults")),
                    ("stated-frequency", V(4, "relapsed or refractory disease in 15-20% of childhood ALL patients (United States)")),
                ]),
              C("complete-remission-rate", "Complete remission rate after induction",
                "Share of patients reaching complete remission after standard induction.", [3],
                props=[("stated-frequency", V(3, "about 60-80% of younger adults and 40-50% of older adults"))]),
              C("five-year-survival", "Five-year survival",
                "Share of patients alive five years after a point such as relapse.", [1],
                props=[("stated-prognosis", V(1, "about 50% for children with relapsed ALL; adults 5.8% if relapse within 3 years of initial treatment vs 20% later"))],
                syn=["5-year survival rate"]),
              C("survival-after-first-relapse", "Survival after first relapse",
                "Share of patients who survive after a first relapse.", [4],
                props=[("stated-prognosis", V(4, "about 30-50%"))]),
              C("cure-rate", "Cure rate", "Share of patients who are cured.", [4],
                props=[("stated-prognosis", V(4, "about 90% for childhood ALL in the United States; falls with each relapse"))]),
          ]),
    ])

# --------------------------------------------------------------------------
# 12. Supportive care and infection prevention
# --------------------------------------------------------------------------
SUPPORTIVE = C(
    "supportive-care-measure", "Supportive care or infection prevention item",
    "Grouping for measures, complications and care-team roles involved in supporting patients through "
    "intensive relapse treatment.",
    [1, 2, 3, 4], abstract=True, children=[
        C("infection-prevention", "Infection prevention measures",
          "Steps that families and care teams follow to lower the risk of infection during treatment.",
          [4], syn=["Infection prevention guidelines"], children=[
              C("hand-hygiene", "Hand hygiene", "Frequent hand washing or use of alcohol-based sanitizer by the patient and others.", [4],
                syn=["Hand washing", "Alcohol-based hand sanitizer"]),
              C("avoid-sick-contacts", "Avoiding sick contacts", "Keeping away from people who are ill.", [4]),
              C("contact-vaccination", "Vaccination of close contacts",
                "Making sure people around the patient are vaccinated against infections such as flu and COVID-19.", [4]),
              C("face-mask", "Face mask use", "Patient wearing a face mask as the care team directs.", [4], syn=["Face mask"]),
              C("skin-care", "Skin care and skin checks", "Following skin-care advice and watching for breaks in the skin.", [4]),
              C("central-line-care", "Central line care", "Looking after a central venous line as instructed, since it is a common entry point for infection.", [4]),
              C("oral-care", "Oral care", "Keeping the inside of the mouth clean as instructed.", [4], syn=["Mouth care"]),
              C("perianal-care", "Perianal care", "Hygiene of the area around the anus as instructed.", [4]),
              C("antimicrobial-prophylaxis", "Antimicrobial prophylaxis",
                "Taking antibiotic or antifungal medicines as recommended to prevent infection.", [4]),
          ]),
        C("treatment-complication", "Treatment complication",
          "Grouping for harmful effects of intensive treatment that supportive care aims to prevent or relieve.",
          [4], abstract=True, children=[
              C("side-effects", "Treatment side effects", "Unwanted effects of treatment, which may be severe with intensive regimens.", [4], syn=["Side effects"]),
              C("pain", "Pain", "Physical pain during treatment, one target of early palliative care.", [4]),
              C("infection-risk", "Increased infection risk", "Greater chance of infection caused by intense treatment.", [4]),
              C("life-threatening-infection", "Life-threatening infection",
                "Severe infection endangering life; the document says roughly one in two children whose ALL has relapsed or resisted treatment develop one.", [4]),
              C("chemo-marrow-damage", "Chemotherapy damage to bone marrow",
                "Marrow injury from intense chemotherapy leaving too few white cells to fight infection.", [4]),
              C("resistant-bacteria", "Antibiotic-resistant bacteria",
                "Bacteria already on or in the body that resist antibiotics and may cause infection without early signs.", [4]),
              C("skin-breakdown", "Skin breakdown", "Sores or breaks in the skin that weaken its barrier against infection.", [4], syn=["Skin sores"]),
              C("central-line-infection", "Central line infection", "Infection arising at a central venous line.", [4]),
          ]),
        C("psychosocial-support", "Psychosocial and communication support",
          "Grouping for help with emotional, social and decision-making needs.", [3, 4], abstract=True, children=[
              C("emotional-social-spiritual-support", "Emotional, social and spiritual support",
                "Help for patients and relatives with feelings, relationships, practical social matters and faith or meaning.", [4]),
              C("shared-decision-making", "Shared treatment decision-making",
                "Open communication with the care team so families know what to expect and help choose treatment.", [4]),
              C("mdt-meeting", "Multidisciplinary team meeting",
                "Meeting where specialists discuss the case and choose the most suitable treatment.", [3], syn=["MDT meeting"]),
          ]),
        C("care-team-member", "Care team member",
          "Grouping for professionals and others involved in caring for someone with relapsed ALL.",
          [1, 2, 3, 4], abstract=True, children=[
              C("mdt", "Multidisciplinary team", "Group of doctors, nurses and other specialists who plan treatment together.", [3], syn=["MDT"]),
              C("haematology-team", "Hematology team", "Blood-disorder specialists who measure MRD and explain results.", [3]),
              C("palliative-care-provider", "Palliative care provider", "Professional who relieves symptoms and side effects.", [4]),
              C("infectious-disease-provider", "Infectious disease provider", "Specialist in preventing and treating infections.", [4]),
              C("psychologist", "Psychologist", "Professional supporting mental and emotional wellbeing.", [4]),
              C("social-worker", "Social worker", "Professional helping with practical and social needs.", [4]),
              C("child-life-specialist", "Child life specialist", "Professional helping children cope with illness and hospital care.", [4]),
              C("chaplain", "Chaplain", "Provider of spiritual care.", [4]),
              C("lab-technician", "Laboratory technician", "Staff member who checks samples for leukemic cells.", [1], syn=["Lab technician"]),
              C("family-caregiver", "Family caregiver", "Relative who looks after the patient and takes part in decisions.", [4]),
              C("stem-cell-donor", "Stem cell donor", "Person who provides healthy stem cells for a transplant.", [2], syn=["Donor"]),
          ]),
    ])


# (id, name, title, root, description)
CODE_SYSTEMS = [
    ("rr-all-disease-status", "RRALLDiseaseStatus", "RR-ALL Disease Status and Response", DISEASE_STATUS,
     "Disease status and treatment response in acute lymphoblastic leukemia: relapse, refractory and primary resistant disease, remission (complete, partial, first complete), cure, MRD positive/negative, CNS involvement and one document's remission criteria."),
    ("rr-all-relapse-timing", "RRALLRelapseTiming", "RR-ALL Relapse Timing Classification", RELAPSE_TIMING,
     "Relapse timing classes, one scheme per seed document, each with its own reference point (measured-from) and only the thresholds the document states. Schemes are never merged."),
    ("rr-all-relapse-site", "RRALLRelapseSite", "RR-ALL Relapse Site", RELAPSE_SITE,
     "Site of relapse: bone marrow (isolated), central nervous system (isolated), combined marrow and CNS, testicular and other extramedullary relapse."),
    ("rr-all-relapse-count", "RRALLRelapseCount", "RR-ALL Relapse Number", RELAPSE_COUNT,
     "Ordinal relapse number: first, second, third or later relapse."),
    ("rr-all-subtype", "RRALLSubtype", "RR-ALL Lineage and Subtype", SUBTYPE,
     "Acute lymphoblastic leukemia and its age groups, lineages (B-cell, T-cell) and genetic subtypes (Philadelphia-positive, high hyperdiploid, IKZF1-deleted)."),
    ("rr-all-diagnostic", "RRALLDiagnostic", "RR-ALL Diagnostic Tests and Procedures", DIAGNOSTIC,
     "Tests and procedures used to diagnose relapsed ALL (history, examination, blood count, smear, marrow aspiration and biopsy, lumbar puncture, immunophenotyping, cytogenetic and molecular tests) and the specimens they use."),
    ("rr-all-mrd", "RRALLMRDAssessment", "RR-ALL MRD Methods", MRD,
     "Measurable (minimal) residual disease assessment: laboratory methods, sample types and timepoints."),
    ("rr-all-treatment", "RRALLTreatment", "RR-ALL Treatment Modalities", TREATMENT,
     "Treatment modalities and classes for relapsed/refractory ALL: kinds of chemotherapy, targeted therapy (TKI), immunotherapy (monoclonal antibodies, CAR T-cell), stem cell transplant, radiation, CNS-directed therapy, clinical trials, palliative and supportive care."),
    ("rr-all-drug", "RRALLDrug", "RR-ALL Drugs and Regimens", DRUG,
     "Named drugs, drug classes and regimens mentioned for relapsed/refractory ALL (FLAG, FLAG-IDA and their components, blinatumomab, inotuzumab ozogamicin, nelarabine, bortezomib, TKI, anti-infectives)."),
    ("rr-all-symptom", "RRALLSymptom", "RR-ALL Symptoms and Signs", SYMPTOM,
     "Symptoms, clinical signs and laboratory signs of (relapsed) ALL, including CNS symptoms of CNS relapse."),
    ("rr-all-risk-factor", "RRALLRiskFactor", "RR-ALL Risk and Prognostic Factors", RISK,
     "Risk factors for relapse, prognostic factors after relapse, and outcome measures with each document's stated figures."),
    ("rr-all-supportive-care", "RRALLSupportiveCare", "RR-ALL Supportive Care and Infection Prevention", SUPPORTIVE,
     "Supportive care: infection prevention measures, treatment complications, psychosocial support and care-team members."),
]
