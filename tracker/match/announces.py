"""Does a linked line announce its capability, or only mention it?

A party's arrival in a feature is dated by its first *announcing* line, and a line announces
only when it says it launches something (`opens_as_launch`: a launch word first, a title, or "now
available", "public preview", "support for", "a new ..." anywhere). Lines that tweak, fix (also
when they call themselves `fix:`), speed up, configure, deprecate or extend something already
there are mentions: "Make X a required argument", "Perf improvements for X", "X now returns HTTP
408 instead of 502", "Add support for async calls in the OpenAI integration" (an extension of
that integration).

Per link, the capability must not be the subject of an extension ("The LangChain integration
now submits tool spans") nor the thing an extension is added to. Nor is it announced when the
line names it only as a code member ("Added `reranker` field"), qualifies a part or setting of it
("WebSocket stream IDs", "deep research model pricing"), uses it as the means of something else
("... using OpenAI function calling"), or is learning material, a test double or a listing; an
integration is not announced by a further thing of its target ("Instrument LlamaIndex streaming
responses"), a version or model number after it, a label dash before a change that launches
nothing, or a setting that names it. A capability named only by the line's label, scope or parent
line is announced only by a line about the capability itself ("**ollama**: implement
instrumentation", not "cohere-stream: support AsyncIterable").
The rules are general word classes, each with a test; README "Matching" lists them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from tracker.match.admission import opening
from tracker.match.objects import integration_object_ends
from tracker.match.text import PHRASE_BREAK, Reading, stem, words

# Opening words of a line that changes something already there.
_TWEAK = re.compile(
    r"^(?:improv\w*|enhanc\w*|updat\w*|upgrad\w*|refactor\w*|optimi[sz]\w*|speed\w*|fix\w*|resolv\w*|correct\w*|"
    r"handl\w*|prevent\w*|avoid\w*|ensur\w*|make|makes|made|renam\w*|bump\w*|clean\w*|simplif\w*|tweak\w*|"
    r"polish\w*|adjust\w*|map|maps|mapped|switch\w*|extract(?:s|ed)?|"
    r"modif\w*(?! (?:\S+ ){0,4}to (?:support|enable|allow)\b)|"  # ("Modify the SDK to support rerankers" launches)
    r"configurabl\w*|increas\w*|decreas\w*|reduc\w*|rais\w*|lower\w*|chang\w*|mov(?:e|es|ed)|migrat\w*|"
    r"align\w*|refin\w*|respect\w*|preserv\w*|propagat\w*|normali[sz]\w*|standardi[sz]\w*|restor\w*|revert\w*|"
    r"stop\w*|skip\w*|check|checks|checked|tighten\w*|harden\w*|send\w*|broaden\w*|widen\w*|loosen\w*|relax\w*|honou?r\w*|"
    r"available in (?:\S+ )?v?\d|when|whenever|if|unless|once|while|perf|performance|faster|better|more|properly|correctly|"
    r"no longer|reorder\w*|reword\w*|clarif\w*|expand\w*|extend\w*|unif\w*|consolidat\w*|streamlin\w*|"
    r"deduplicat\w*|re ?enabl\w*|retry\w*|validat\w*|guard\w*|catch\w*|suppress\w*|silenc\w*|hid(?:e|es|den)|"
    r"show\w* (?:the )?(?:correct|proper|right)|do not|don ?'?t|doesn ?'?t|didn ?'?t|won ?'?t|never|no more|see|"
    # verbs that set, keep or pass along something that is already there
    r"set|sets|save|saves|saved|separat\w*|split|splits|pass|passes|passed|return|returns|returned|populat\w*|"
    r"reus\w*|forward\w*|accept\w*|attach(?:es|ed)? (?:the |a )?\w+ to|configure|configures|configured|configuring|"
    r"hoist|hoists|paginat\w*|record|records|recorded|persist\w*|infer|infers|"
    # what goes away is not launched: "add FaithfulnessEvaluator and deprecate HallucinationEvaluator"
    r"deprecat\w*|remov\w*|drop(?:s|ped)?(?![- ]in\b)|delet\w*|sunset\w*|"
    # a condition on something that is there: "Only set sample rate if configured"; more of it: "also print ..."
    r"only|also (?!add|support|introduc|launch|new\b|enabl|releas|ship|allow|expos|offer|provid|implement)\w+)\b"
)
# Anywhere in the line: a behaviour change or a repair, not a new capability.
_CHANGE = re.compile(
    r"\b(?:instead|rather than|no longer|switch(?:es|ed)? (?:over )?(?:to|from)|breaking changes?(?=:)|re-?design(?:ed|s)?|revamp(?:ed|s)?|overhaul(?:ed|s)?|(?:is|are|was|were|has been|have been) (?:now )?(?:moved|renamed|replaced)|(?:http )?[45]\d\d\b(?: \w+){0,3} (?:errors?|status|codes?|responses?)|"
    r"(?:error|status) codes?|(?:is|are) now (?:required|optional)|(?:a )?required (?:argument|parameter|field)|"
    r"perf(?:ormance)? improvements?|improvements?|enhancements?|appropriate|correctly|properly|in rare cases|"
    r"regression|backwards? compat\w*|fix(?:ed|es)? (?:a |an |the |several |some )?(?:bugs?|issues?|problems?|crash\w*)|"
    r"how to|how do|we (?:expect|plan|hope|intend|aim)|expect \w+ to|"
    r"this (?:update|release|change|version|pr) (?:enhances|improves|extends|expands|refines|updates)|"
    # "The Keras callback has a new `log_batch_frequency`": something already there gets more
    r"(?:has|have|gets?|got|now has) (?:a |an )?(?:new|additional|extra|more|much)\b|"
    # "CPU Functions can now be configured to run on ...": a setting of something already there
    r"can now be (?:configured|set) to\b|can now be (?:passed|customi[sz]ed|overridden|tuned)\b|"
    # "Enable this option if gen_ai spans are being dropped": how to use a setting, not a launch
    r"this (?:option|setting|flag|parameter)\b|"
    # "Added the following dataclasses: ...": a listing of an SDK's new members
    r"(?:the )?following (?:dataclasses|classes|methods|fields|enums|enum values|types|properties|parameters)\b|"
    # "Allow setting guardrails on a team", "adds support to override search strategy ...": configuring something
    # that is there
    r"allow\w* (?:setting|configuring|passing|overriding|specifying|customi[sz]ing|changing)\b|"
    r"support (?:to|for) (?:override|overriding|configure|configuring|customi[sz]e|customi[sz]ing|disable|"
    r"disabling)\b)\b"
)
# A statement about how things are ("Claude prompts are different than OpenAI") with nothing launched in it.
_STATEMENT = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|should|does|do|did|may|might|must|can|could)\b"
)
_LAUNCH_WORD = re.compile(
    r"\b(?:add\w*|new|introduc\w*|support\w*|launch\w*|available|availability|enabl\w*|releas\w*|allow\w*|"
    r"expos\w*|integrates|ship\w*|implement\w*|beta|preview|ga|generally|now|initial|offer\w*|"
    r"lets?|you can|announc\w*|excited|debut\w*|unveil\w*|built|build\w*)\b"
)
# A list item that is only a bold label (or a bold link): release notes group changes under such labels.
_LABEL = re.compile(r"^\s*[-*+]\s+\*\*\s*\[?[^*\]]+\]?(?:\([^)]*\))?\s*\*\*\s*:?\s*$")
# "X now submits ...": X is being extended. "X is now available / supported / GA" still announces X.
_NOW_VERB = re.compile(
    r"\bnow (?!(?:available|supported|generally|in (?:public |private )?(?:beta|preview)|ga\b|live|open|be\b|"
    r"out\b|shipping|released|launch))(?:also |automatically |correctly |properly )?\w+"
)
MAX_ANNOUNCING_WORDS = 40
# A row of a table that lists models or renames (its text is "Column: value; ..."): a listing, not a launch.
_LISTING_ROW = re.compile(r"(?:^|; )(?:Models?|Method/Attribute|Modules?|Variables?|Group|Function/Class): ")
# Learning material about a capability is not the capability: "RAGAS cookbook", "add ... to the notebook"
# (unless it is the capability: "support notebook job creation").
_LEARNING = frozenset(stem(w) for w in "cookbook notebook tutorial walkthrough webinar recipe readme".split())
# Code samples ("Added deploy_model_..._sample, ... and get_model samples"): documentation, not a launch
# (a whole word: "sampling" is a capability of its own).
_SAMPLES = re.compile(r"\bsamples?\b(?! (?:rate|rates|size|efficient|weights?|level)\b)")
_SENTENCE_END = re.compile(r"[.!?]\s|[;:]")
# Code in a line: snake_case, dotted.names, calls() and lowerCamelCase identifiers (`tokenUsage`, `threadId`).
_CODE = re.compile(
    r"`[^`\n]+`|(?<!\S)(?:\S*[A-Za-z0-9][_.][A-Za-z0-9]\S*|\S+\(\))|\b[a-z]{2,}[A-Z][a-z][A-Za-z0-9]*\b|"
    r"\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+){2,}\b|"  # three humps: code ("StopNotebookRuntime"), not a product
    r"(?<![\w.])/[\w-]+(?:/[\w{}.-]+)+"
)  # (and anything in backticks, in the line as written; and URL paths: "/images/edits")
_PRODUCT_DOT = re.compile(r"\.(?:ai|js|io|net|dev|com)\b")  # product names, not code: "fast.ai", "Node.js"
# Settings: environment variables and config keys (`LANGFUSE_OTEL_HOST`).
_SETTING = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
# A data member of something already there: "Added `reranker` field", "usage_metadata property".
_MEMBER_NOUNS = frozenset(stem(w) for w in (
    "field fields property properties attribute attributes constant constants enum enums value values column columns "
    "accessor accessors shortcut shortcuts mutation mutations getter getters setter setters dataclass dataclasses "
    "proto protos parameter parameters param params argument arguments arg args option options classmethod "
    "classmethods"
).split())
# Right after the capability, words that make the line about something other than shipping it:
# its documentation ("OpenTelemetry integration documentation"), a new version of it ("Datasets v2").
# ("Docs" alone is too often a link label at the end of a launch line to count.)
_ABOUT_IT = frozenset(stem(w) for w in "documentation v1 v2 v3 v4 v5".split())
# A part or setting of the capability, named right after it: "WebSocket stream IDs", "deep research model
# pricing", "RAG engine config", "rate limit key". The capability then qualifies the new thing: an extension.
_PART_NOUNS = frozenset(stem(w) for w in (
    "config configs configuration configurations setting settings key keys field fields property properties "
    "attribute attributes id ids type types request requests result results permission permissions "
    "alias aliases name names spec specs proto enum enums value values column columns tag tags label "
    "labels index indexes indices map pricing price prices cost costs limit limits quota quotas header headers event "
    "events status error errors message messages chunk chunks delta deltas detail details timeout timeouts flag flags "
    "variable variables accessor accessors mutation mutations getter getters setter setters schema schemas button "
    "buttons pane slideover tooltip tooltips icon icons layout selector dropdown menu table tables data "
    "prefix prefixes preference preferences default defaults option options filter filters streaming helper helpers "
    "reliability performance stability robustness information info route routes resolver resolvers telemetry "
    "optimization optimizations validation validations users"
).split())
PART_NOUNS = _PART_NOUNS  # (discovery reads a launch object the same way)
# A launch's own head nouns: after these the capability is what is launched ("Realtime API support").
_HEADS = frozenset(stem(w) for w in (
    "support supports supported api apis tool tools integration integrations feature features provider providers "
    "method methods service services sdk sdks endpoint endpoints server servers client clients library plugin plugins "
    "connector connectors capability capabilities mode modes beta preview ga"
).split())
_PART_LOOKAHEAD = 3
# A parameter named past another word of the capability's is a setting of it ("text embeddings dimensions
# param"); right after it, the parameter is the capability itself ("service tier argument", "reasoning param").
_PARAMETERS = frozenset(stem(w) for w in "param params parameter parameters argument arguments arg args".split())
_FUNCTION_WORDS = frozenset(
    "to for and or in with on from by via when using is are was were as into within that which at across under "
    "during without of through now so can will".split()
)
# Test doubles: "export mock image, speech and transcription models".
# ... and cosmetics: "new icons for mastra, llamaindex, bedrock".
_TESTING = frozenset(stem(w) for w in "mock mocks mocked stub stubs icon icons logo logos badge badges".split())
# "The scorer now evaluates trace attachments": the capability is what an existing thing now does more of;
# "The playground now supports image inputs" still announces that the playground has it.
_NOW_BEFORE = re.compile(
    r"\bnow (?!(?:also )?(?:supports?|offers?|includes?|has|have|provides?|allows?|lets?|enables?|ships?|comes? with|"
    r"available|generally|live|in (?:public |private )?(?:beta|preview)))(?:also )?\w+(?:s|es)\b"
)
# A commit that syncs the docs from GitBook: "Add mistral (GITBOOK-594)".
_DOCS_SYNC = re.compile(r"\(GITBOOK-\d+\)")
# A line that is only a list of code tags: "`langfuse`, `ui`, `secret management`".
_TAG_LIST = re.compile(r"^\s*(?:[-*+]\s+)?`[^`]+`(?:\s*,\s*`[^`]+`)+\s*$")
# The capability is where something else is added: "<verb> <something> to|for|in <capability>".
_ATTACHED = re.compile(
    r"\b(?:add|adds|added|adding|support|supports|supported|introduc\w*|implement\w*|enabl\w*|expos\w*|allow\w*)"
    r"(?: support for| support)? (?!support\b|for\b)((?:\w+ ){1,16})(?:(?<!support )for|to|in|into|on|within|inside) (?:the |a |an |all |each )?"
    r"(?:\w+ ){0,10}\w+$"
)
_ARTICLES = frozenset("a an the".split())
# A toggle of something that is there: "allow proxy admin to 'opt in' to logging ...", "subagents opt-in".
_OPTION = re.compile(r"\bopt (?:in|out)\b")
# "Support new fields in FileData, ..., TuningJob": members added to things that are there already.
_MEMBERS_ADDED = re.compile(
    r"\b(?:fields?|params?|parameters?|properties|property|attributes?|arguments?|columns?|enum values?) "
    r"(?:to|in|on|for|of)\b"
)
# "(for example bias, hallucination, PII)": an example in a list, not the thing launched.
_EXAMPLES = re.compile(r"^(?:for example|for instance|e g|eg|such as|like|including|incl)\b")
_EXAMPLES_LISTED = re.compile(r"\bexamples? (?:include|includes|including|are)\b")  # "verified examples include ..."
_EXAMPLE_LEAD = re.compile(r"\b(?:such as|for example|for instance|e g)(?: \w+)?(?: \w+)?$")
# GraphQL plumbing of a product's own API: "gql dataset create", "PromptLabel gql interface".
_API_PLUMBING = frozenset({"gql", "graphql"})
_PRICE_WORDS = frozenset(stem(w) for w in "model models price prices pricing cost costs".split())
# Packaging: "add openai as a container dependency", "pin the langchain dependency" launch nothing.
_PACKAGING = frozenset(stem(w) for w in "dependency dependencies deps".split())
# "newer version of MCP", "the latest version of LangChain": the thing was there; a new version is supported.
_NEW_VERSION_OF = re.compile(r"\b(?:newer|new|newest|latest|updated|next|recent) versions? of (?:the )?$")
# What something "can be used with" is a capability it works with: "o1 models so they can be used with JSON mode".
_USED_WITH = re.compile(r"\b(?:can|could|to) be used (?:with|for|in|by) (?:the |a |an )?(?:\w+ ){0,3}$")
# "new models for TTS, STT": more models of capabilities the party has.
_NEW_MODELS_FOR = re.compile(
    r"\b(?:new|newer|more|additional|latest) (?:\w+ )?models? (?:for|of|in) (?:the )?"
    r"(?:[\w-]+(?: [\w-]+){0,2} ?, ?(?:and |or )?)*$"  # (and for each item of a list: "for TTS, STT")
)
# "Add new OpenAI models": new models of a provider that is integrated already.
_NEW_ONES = frozenset("new newer newest latest more additional".split())
_MORE_OF = frozenset("more additional extra further custom".split())
# A capability put on a screen of the product ("... to session details", "... in the trace view", "in webui setup").
_SCREENS = (
    r"(?:details|page|pages|table|tables|view|views|tab|tabs|sidebar|tooltips?|panel|pane|drawer|modal|screen|webui)\b"
)
_UI_PLACE = re.compile(
    r"^(?:\w+ )?(?:(?:to|in|on|into|from) (?:the |a |each |every )?(?:\w+ ){0,2}" + _SCREENS
    + r"|from (?:the |a )?(?:\w+ )?playground\b)"  # ("create prompt versions from Playground": done from a screen)
)
# ... or shown there by a line that opens with "display", "show" ("display cache write tokens on span tooltip")
_SHOW_VERBS = frozenset("display displays show shows render renders surface surfaces".split())
_ON_SCREEN = re.compile(r"\b(?:to|in|on|into) (?:the |a |each |every )?(?:\w+ ){0,3}(?:ui\b|" + _SCREENS + ")")
_MODEL_WORDS = frozenset("model models llm llms".split())
# What a line labelled with an integration's target may say and still be about the integration itself:
# "**ollama**: implement instrumentation", "Anthropic - initial support" (not "cohere-stream: support
# AsyncIterable", "OpenAI - `metadata` param preview support": an addition to it).
_ABOUT_THE_INTEGRATION = frozenset(stem(w) for w in (
    "add adds added adding introduce introduces introduced support supports supported implement implements "
    "implemented enable enables enabled new initial basic experimental native official first class auto "
    "automatic integration integrations instrumentation instrumentor instrument instruments tracing trace "
    "traces autolog autologging provider providers plugin plugins connector connectors callback callbacks "
    "handler exporter logger wrapper adapter flavor sdk api client library package llm llms model models "
    "chat embedding embeddings beta preview ga available now for the a an of and with release released "
    "launch launched generally public private is are"
).split())
# "add instrumentation for X", "add tracing support for X": the addition is X's integration itself
_INTEGRATION_WORDS = frozenset(
    "instrumentation tracing support integration integrations autologging autolog native first class "
    "automatic auto experimental new initial official provider".split()
)
_EXTENDS = frozenset("in to into for with within inside".split())
# What may stand before "support for <target>" in a line that launches the integration itself:
# "Add (native) (tracing) support for LangChain"; anything else is something of the target that is now
# supported ("function calling support for Snowflake Cortex", "GPU support for transformers models").
_SUPPORT_QUALIFIERS = _INTEGRATION_WORDS | frozenset(
    "add adds added adding a an the full basic beta preview built in builtin out of box sdk api client "
    "python typescript js javascript node".split()
)
_INTO = frozenset("to into in on within for".split())
# Observing a capability is not shipping it: "Add logging callback support for `/moderations` API",
# "Logging for Finetuning Endpoints", "spend tracking for batches".
_OBSERVING = re.compile(
    r"(?:^|\b(?:add|adds|added|adding|new|support|supports|enable|enables|introduc\w*)\b(?: \w+){0,3} )"
    r"(?:logging|logs|log|callbacks?|tracing|traces|monitoring|spend tracking|cost tracking|metrics|instrumentation)"
    r"(?: callbacks?| hooks?)?(?: support)? (?:for|of|on) (?:the |all |each )?(?:\w+ ){0,4}$"
)
# A line that opens by firing or logging the capability: "Trigger Soft Budget Alerts When ...", "Log batch
# models in spend logs" (the verb, then up to that many words before the capability).
_FIRE_VERBS = frozenset("trigger triggers fire fires".split())
_LOG_VERBS = frozenset("log logs record records emit emits".split())
# "add PipelineJob.list": a method of a class that is there already
_CLASS_METHOD = re.compile(
    r"\b([A-Za-z_]\w*)\.((?:list|get|create|delete|update|cancel|set|add|remove|patch|retrieve|describe|submit|run|"
    r"start|stop|wait|flush|refresh|clone|reload\w*)\b|(?:from|to|with)_\w+)"
)
# "Add `Candidate.grounding_metadata`": an attribute of a class that is there already
_CLASS_ATTRIBUTE = re.compile(
    r"\b([A-Z]\w*)\.([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]{3,}|[a-z]+(?:[A-Z][a-z0-9]+)+)\b(?!\()"
)
_INTEGRATION_NOUNS = frozenset("integration integrations instrumentation instrumentor flavor".split())
# A capability named in a condition is not what the line launches: "... when prompt management is used".
_CONDITIONS = frozenset("when whenever if unless while once during".split())
# An operation on something that is there: "Support for editing user roles within a team".
_EDITING = frozenset(
    "editing updating deleting renaming modifying changing reordering duplicating cloning copying archiving "
    "filtering sorting paginating "
    # operations on what is there: "support for loading evaluation datasets from ...", "Support discovering
    # Gemini, Anthropic, xAI models", "endpoint to get dataset versions"
    "loading discovering listing fetching retrieving rendering displaying exporting importing downloading "
    "iterating syncing get list fetch retrieve "
    # configuring or exporting it: "[Setup Finetuning](docs)", "UI to configure guardrails", "Export global
    # quota configs in preview sdk"
    "setup configure configuring reconfigure export".split()
)
# "Add support for cron jobs in the Celery integration": the capability goes into an integration with
# something else (an extension of that integration), for a capability that is not an integration itself.
_INTO_INTEGRATION = re.compile(
    r"^(?:in|to|into|for|with) (?:the |a |an |our |its )?(?:\w+ ){1,3}"
    r"(?:integration|integrations|instrumentation|plugin|connector)\b"
)
# A page about an integration is not the integration: "add litellm integrations UI".
_INTEGRATION_PAGE = re.compile(r"^integrations? (?:ui|page|pages|tab|tabs|docs|guide|guides|card|cards|icon|icons)$")
# The capability goes into a sample: "Add GenAI instrumentation to default instrumentator in ADK VAE template".
_INTO_TEMPLATE = re.compile(
    r"^(?:to|into|in) (?:the |a |an |our )?(?:\w+ ){0,5}(?:templates?|examples?|quickstarts?|starters?|starter kits?)\b"
)
# ... unless "to" opens a purpose: "to automatically improve prompt templates".
_VERBS_OF_PURPOSE = frozenset(
    "improve help make build create generate run use enable let allow support automatically easily quickly".split()
)
# "30 models across DeepSeek, Qwen, Mistral and Llama": models listed, not their providers integrated.
_MODELS_LISTED = re.compile(r"\b(?:models?|llms?) (?:across|from|including|like|such as|by)\b")
_LIST_LOOKBACK = 12
# After a target that opens a sentence: the target itself is the subject ("OpenAI has released ...").
# ("OpenAI is now supported" still launches the integration: "is", "are" and "now" are not in the set.)
_TARGET_ACTS = frozenset(
    "has have had released releases launched launches announced announces introduced introduces "
    "unveiled unveils just recently".split()
)
# A model's name is hyphenated and has a version number; a dated beta's has only its date and sizes.
_DATE_OR_SIZE = re.compile(r"(?:^|-)(?:(?:19|20)\d\d-\d\d-\d\d|\d+[km])(?=-|$)")
_VERSION_IN_NAME = re.compile(r"\d")


# A launch says so: it opens with a launch word ("Add", "Introducing", "We've added", "This release adds",
# "You can now", "New"), is a title (a heading, a bold label, a first sentence of a few words), or says
# it anywhere in so many words ("is now available", "now supports", "public preview", "have been added").
_OPENS_AS_LAUNCH = re.compile(
    r"^(?:we ?(?:'ve|’ve| have| are|'re|’re)? ?(?:now |also |just |finally )?|this (?:release|update|version|feature|pr) "
    r"(?:now )?|this (?=adds\b|introduces\b)|you can now |users can now |it'?s now possible to |"
    r"it is now possible to |now )?"
    r"(?:add\w*|introduc\w*|launch\w*|support\w*|enabl\w*|implement\w*|releas\w*|ship\w*|expos\w*|allow\w*|"
    r"provid\w*|offer\w*|integrat\w*|new|initial|announc\w*|unveil\w*|debut\w*|creat\w*|build|built|bring\w*|"
    r"brought|experimental|beta|preview|instrument\w*|excited|first|native|official|basic|full|automatic|auto|"
    r"roll\w* out|use|using|track\w*|log\w*|captur\w*|trac\w*|generally available|ga|available|now)\b"
)
_SAYS_LAUNCH = re.compile(
    r"\b(?:(?:is|are) now (?:generally |publicly )?available|now available|now supports?|(?:has|have) been added|"
    r"(?:public|private) (?:preview|beta)|generally available|initial release|we ?(?:'ve|’ve| have)? added|"
    r"support (?:for|in)\b|(?:this|the) (?:release|feature|update) (?:adds|introduces|brings)|(?:a|an|the|our) new\b|"
    r"(?:instrumentation|integration|callback handler|connector|plugin) (?:for|with)\b|is a (?:new )?feature\b)"
)
_LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")  # where links point: no part of what the line says
_BOLD_TITLE = re.compile(r"^\s*(?:[-*+]|\d+\.)?\s*\*\*[^*]{2,80}\*\*")
_TITLE_WORDS = 8
# Capitalised names and nothing else, two or more in a list: "OpenAI, Azure", "Bedrock and Vertex".
_NAME_LIST = re.compile(r"^[A-Z][\w.-]*(?: [A-Z][\w.-]*)?(?:(?:,| and| &|, and) [A-Z][\w.-]*(?: [A-Z][\w.-]*)?)+\.?$")


def opens_as_launch(body: str, raw: str, low: str | None = None) -> bool:
    """The line says it launches something (`_OPENS_AS_LAUNCH`, `_SAYS_LAUNCH`) or is a title.
    `low`: the body in lower case, when the caller has it."""
    lead = raw.lstrip()
    if lead.startswith(("#", "title:", "<")) or _BOLD_TITLE.match(raw):
        return True
    low = body.lower() if low is None else low
    if _OPENS_AS_LAUNCH.match(low) or _SAYS_LAUNCH.search(low):
        return True
    # a few words are a title ("Annotation Queues", "ollama instrumentation"), unless they are code
    # and a verb ("`userId` to filter by user", "`/list` and `/info` endpoints exposed")
    first = re.split(r"(?<=[.!?])\s", body, maxsplit=1)[0]
    if _NAME_LIST.match(first):
        return False  # "OpenAI, Azure": the names a change above applies to, not a title
    return len(first.split()) <= _TITLE_WORDS and "`" not in _LINK_TARGET.sub("", raw)


def line_announces(text: str, raw: str = "", opened: tuple[str, str] | None = None) -> bool:
    """False when the line as a whole tweaks, fixes or changes something rather than announcing it, or
    does not say that it launches anything (`opens_as_launch`)."""
    _, body = opened or opening(text)
    if body.rstrip("*_ ").endswith((":", "?")) or (raw or text).rstrip().rstrip("*_ ").endswith((":", "?")):
        return False  # a heading over a list (its items are the announcements) or a question
    if _LABEL.match(raw):
        return False  # "- **[Bedrock](...)**": the label of a group of changes, unless marked new
    if _TAG_LIST.match(raw):
        return False  # a list of area tags, not a sentence about any of them
    if _DOCS_SYNC.search(raw or text):
        return False  # "Add mistral (GITBOOK-594)": a page of the docs synced from GitBook, not a launch
    if raw.lstrip().startswith("|") and _LISTING_ROW.search(text):
        return False  # "| OpenAI | gpt-5-pro | ... | prompt caching |": a model that has it, not a launch
    label = text[:len(text) - len(body)].lower() if len(body) < len(text) else ""
    low = body.lower()  # (the patterns are written in lower case: matching them without re.I is twice as fast)
    if _TWEAK.match(low) or _CHANGE.search(low) or (label and _CHANGE.search(label)):
        return False  # (also a change named in a label before the body: "sora api improvements: ...")
    if not opens_as_launch(body, raw or text, low):
        return False
    return not (_STATEMENT.search(low) and not _LAUNCH_WORD.search(low))


_MAYBE_CODE = re.compile(r"`|[A-Za-z0-9][_.][A-Za-z0-9]|\(\)|[a-z]{2}[A-Z][a-z]|/\w+/")


def maybe_code(text: str) -> bool:
    """Whether the line may hold code at all (one quick scan; most lines are prose)."""
    return _MAYBE_CODE.search(text) is not None


def plain_stems(text: str) -> frozenset[str]:
    """Stems of the words a line writes as prose, not inside code identifiers."""
    return frozenset(stem(w) for w in words(_CODE.sub(_unless_product, text)))


def _unless_product(m: re.Match[str]) -> str:
    return m[0] if _PRODUCT_DOT.search(m[0]) else " "


def method_owner_stems(text: str) -> frozenset[str]:
    """Stems of the classes a line gives a method such as `.list` or `.from_dockerfile`, of those methods
    ("add PipelineJob.list", "`modal.Image.from_dockerfile()`"), and of attributes of classes
    ("`Candidate.grounding_metadata`")."""
    methods = {stem(w) for m in _CLASS_METHOD.finditer(text) if not _PRODUCT_DOT.search(m[0])
               for w in words(f"{m[1]} {m[2]}")}
    attributes = {stem(w) for m in _CLASS_ATTRIBUTE.finditer(text) if not _PRODUCT_DOT.search(m[0])
                  for w in words(m[2])}
    return frozenset(methods | attributes)


def member_classes(text: str) -> tuple[frozenset[str], ...]:
    """The stems of each class a line gives an attribute: a member is added to a class that is there
    ("Add `ToolComputerUse.excludedPredefinedFunctions`": computer use was there)."""
    return tuple(frozenset(stem(w) for w in words(m[1])) for m in _CLASS_ATTRIBUTE.finditer(text)
                 if not _PRODUCT_DOT.search(m[0]))


def setting_stems(text: str) -> frozenset[str]:
    """Stems of the words a line writes only inside environment variables or config keys."""
    if not _SETTING.search(text):
        return frozenset()
    inside = {stem(w) for m in _SETTING.finditer(text) for w in words(m[0])}
    return frozenset(inside - {stem(w) for w in words(_SETTING.sub(" ", text))})


class LineFacts(NamedTuple):
    """What a line writes in code and where it names targets, read once for all the line's links
    (`line_facts`)."""

    plain: frozenset[str] | None = None  # stems the line writes as prose (`plain_stems`); None: no code at all
    settings: frozenset[str] = frozenset()  # stems written only in settings (`setting_stems`)
    methods: frozenset[str] = frozenset()  # classes given a method or attribute (`method_owner_stems`)
    listing: bool = False  # a row of a markdown table, or a list of three or more paths or calls in code
    target_words: frozenset[int] = frozenset()  # word positions of every integration target the text names
    classes: tuple[frozenset[str], ...] = ()  # each class given an attribute, as stems (`member_classes`)
    # `plain` of the first sentence alone, for a capability named there: "Introduced new `get_or_create_dataset`
    # method ... This method will create a new dataset" names datasets only in code where it launches something
    plain_first: frozenset[str] | None = None


# A dotted path or a call in code followed by the next of a list: an SDK's reference listing
# ("Added `databricks.sdk.service.serving.AiGatewayConfig`, ...", "`get_feature()`, `list_features()`")
_CODE_IN_LIST = re.compile(r"`[^`\n]*[.(][^`\n]*`\s*(?:,|\band\b)")


_NEXT_SENTENCE = re.compile(r"(?<=[^\s\d][.!?])\s+(?=[A-Z])")  # (not after a list number: "1. Added ...")


def line_facts(text: str, raw: str, target_words: frozenset[int] = frozenset()) -> LineFacts:
    written = raw or text  # (raw keeps the backticks)
    plain = plain_stems(written) if maybe_code(written) else None
    plain_first = None
    if plain is not None and len(first := _NEXT_SENTENCE.split(written, maxsplit=1)) > 1:
        plain_first = plain_stems(first[0])
    listing = raw.lstrip().startswith("|") or len(_CODE_IN_LIST.findall(written)) >= 2
    return LineFacts(plain, setting_stems(text) if plain is not None else frozenset(), method_owner_stems(written),
                     listing, target_words, member_classes(written), plain_first)


def link_announces(
    reading: Reading, start: int, end: int, line_ok: bool, facts: LineFacts = LineFacts(), integration: bool = False,
) -> bool:
    """Whether the line announces the capability found at words [start, end) (-1: named only by the line's
    label or scope, or found in its parent line: then the line must be about the capability itself, as in
    "**ollama**: implement instrumentation", not "cohere-stream: support AsyncIterable").

    With `facts`: a capability the line names only in code that is a field, a property or an enum value
    ("Added `reranker` field", "Added the GenerationResponse.usage_metadata property") is a data member
    added to something already there, not the capability's launch; so is a method or attribute of a
    class; an integration whose target is named only in a setting ("Allow using LANGFUSE_OTEL_HOST") is
    configured, not launched; a table row naming the capability only in code is a listing.
    """
    plain, settings, methods, listing, target_words, classes, plain_first = facts
    if not line_ok:
        return False
    if start < 0:
        # named by the line's label or scope, or found in its parent line: the line itself must be about
        # the capability ("Initial release", "implement instrumentation"), not about something of it
        # ("Allow Helm hooks for migration jobs" under a self-hosting label)
        if integration and launches_an_integration(reading):
            return True  # "langchain: Adds integration with support for ... from LangChain requests"
        if any(w in _NEW_ONES for w in reading.words) and any(w in _MODEL_WORDS for w in reading.words):
            return False  # "New preview models added" under a provider's label: more models of it
        return all(s in _ABOUT_THE_INTEGRATION or s.isdigit() for s in reading.stems)
    if _in_opening_scope(reading, start, end):
        # "(litellm) Add async callbacks", "openai: Introduces automatic extraction of ...": a scope that opens
        # the line is a label, as above; its first clause must be about the capability itself
        named = set(reading.stems[start:end])
        if _integration_object(reading.words[end:_first_clause_end(reading, end)]):
            return True  # "langchain: Adds integration with support for metrics, logs, and traces"
        return all(s in _ABOUT_THE_INTEGRATION or s.isdigit() or i in target_words or s in named
                   for i, s in enumerate(reading.stems[:_first_clause_end(reading, end)]) if i >= end)
    if any(s in _PACKAGING for s in reading.stems):
        return False  # "add openai as a container dependency"
    if _api_plumbing(reading):
        return False  # "gql dataset versions connection": the product's GraphQL plumbing
    if integration and _in_parentheses(reading, start, end) and all(start <= i < end for i in target_words):
        return False  # "parquet ingestion at remote deserialization (Tensorflow)": a qualifier
    if all(s in _PRICE_WORDS for s in reading.stems[start:end]) \
            and (_names_a_model(reading) or _family_priced(reading, start)):
        return False  # "Gemini-2.0-flash-thinking - add model pricing", "add stability model pricing": price entries
    if plain is not None and not all(s in plain for s in reading.stems[start:end]) and listing:
        return False  # a listing of code ("| `OpenAIModelProfile.from_profile(p)` |", "Added `a.B`, `a.C`, `a.D`")
    if classes and any(set(reading.stems[start:end]) <= c for c in classes):
        return False  # a member of a class named by the capability ("ToolComputerUse.excludedPredefinedFunctions")
    if methods and any(s in methods for s in reading.stems[start:end]):
        return False  # a method or attribute of a class that is there ("PipelineJob.list", "Candidate.x_metadata")
    if start >= MAX_ANNOUNCING_WORDS:
        return False  # deep in a long paragraph: a passing mention
    if not integration and _after_full_stop(reading, start):
        return False  # "Add telemetry attributes to ... This improves reporting across ..., guardrails": the
        # line launches what its first sentence says; a later sentence explains it
    stems = reading.stems
    if any(s in _LEARNING or s in _TESTING for s in stems[:start]) or any(s in _LEARNING for s in stems[end:]):
        return False
    if any(s in _ABOUT_IT for s in stems[end:end + 2]) or _SAMPLES.search(reading.norm):
        return False
    if integration and settings and all(s in settings for s in stems[start:end]):
        return False
    if integration and not integration_object_ends(reading, start, end):
        return False
    if plain is not None and not all(s in plain for s in stems[start:end]) and (
            any(s in _MEMBER_NOUNS for s in stems[start + 1:end]) or _member_follows(stems, end, plain)
            or _code_put_into(reading, end, plain) or _member_before(reading, start)):
        return False  # (a rule may take the member noun into its span: "rate_limits field for ...");
        # code put into other code: "Add UsageMetadata to LiveServerMessage", "add tokenUsage to streamObject"
    if plain_first is not None and not _full_stops(reading, start) \
            and not all(s in plain_first for s in stems[start:end]) and _member_follows(stems, end, plain_first):
        return False  # a method named in code in the first sentence, and the capability in prose only later
    clause = _clause_before(reading, start)
    if _NOW_BEFORE.search(clause):
        return False
    if any(w in _CONDITIONS for w in clause.split()[:-1]):
        return False  # "log the prompt used when prompt management is on": a condition, not the launch
    if _part_follows(reading, end):
        return False  # ("OpenAI LLM advanced configurations": an integration's settings, too)
    if _OPTION.search(" ".join(reading.words[:first_sentence_end(reading)])):
        return False  # "New spend logs - allow proxy admin to 'opt in' to logging request/response": a toggle
    if _kind_streamed(reading, end):
        return False  # "add support for streaming raw responses": one more kind of response streamed
    if reading.words[end:end + 2] == ("to", "be") and not PHRASE_BREAK.search(reading.gaps[end]):
        return False  # "allow streaming response to be iterated by user": something done with what is there
    if end < len(reading.words) and reading.words[end] in ("when", "while", "during") \
            and not PHRASE_BREAK.search(reading.gaps[end]):
        return False  # "add usage metadata when streaming": the capability in one more case
    if plain is not None and not integration and _added_to_code(reading, end, plain) \
            and not any(w.startswith(("releas", "launch", "publish")) for w in reading.words[:start]):
        return False  # "Add token usage to `embedMany`" adds to code that is there ("Release X to y.preview" launches)
    if _opened_by(reading, start, _FIRE_VERBS, 3):
        return False  # "Trigger Soft Budget Alerts When Key Crosses Threshold": the alerts fire in one more case
    if _opened_by(reading, start, _LOG_VERBS, 2):
        return False  # "Log batch models in spend logs": logging what the capability did, not shipping it
    if _dash_then_members(reading, end) \
            or (start == 0 and plain is not None and _code_label_then_adds(reading, end, plain)):
        return False  # "Context Caching - add get() classmethod and refresh() instance method"; a class named in
        # code, then what is added to it: "TextEmbeddingModel - Added support for structural inputs, ..."
    if not integration and _means(reading, start):
        return False
    if " " in clause and _TWEAK.match(clause):
        return False  # "add chromadb instrumentation + fix langchain instrumentation"
        # (not the capability's own first word: "... Model Evaluation and Guardrails", "and return of control")
    if _NEW_VERSION_OF.search(" ".join(reading.words[max(0, start - 5):start]) + " "):
        return False  # "support for newer version of MCP"
    if integration and start > 0 and reading.words[start - 1] in _NEW_ONES and end < len(reading.words) \
            and reading.words[end] in _MODEL_WORDS:
        return False  # "Add new OpenAI models": more models of a provider already there
    if not integration and _placed_into(reading, start):
        return False  # "workload identity in audit logs": something added into the capability, which was there
    if not integration and start >= 2 and reading.words[start - 1] == "based" and reading.gaps[start - 1] == "-" \
            and not PHRASE_BREAK.search(reading.gaps[start]):
        return False  # "Decorator-based tracing": one more way of doing what the party had
    if not integration and _USED_WITH.search(_sentence_before(reading, start - 1) + " " if start > 0 else ""):
        return False  # "... o1 models so they can be used with JSON mode": the capability is what they work with
    if not integration and _in_a_mode(reading, start, end):
        return False  # "parallel function calls", "streaming function call message support": a mode of what was there
    back = max(0, start - 7)
    if _NEW_MODELS_FOR.search("".join(g + w for g, w in zip(reading.gaps[back:start], reading.words[back:start]))
                              + reading.gaps[start]):
        return False  # "new models for TTS, STT": more models of a capability the party has
    if start > 0 and reading.words[start - 1] in _MORE_OF and not PHRASE_BREAK.search(reading.gaps[start]):
        return False  # "add more document converters", "custom redteam plugins": more of something that is there
    if _opening_word(reading) in _SHOW_VERBS \
            and _ON_SCREEN.search(" ".join(reading.words[:first_sentence_end(reading)])):
        return False  # "display audio, cache read, and cache write tokens on span token tooltip": shown, so had
    if _UI_PLACE.match(" ".join(reading.words[end:end + 6])):
        return False  # "add trace latency p50 to session details": shown on a screen, so the party had it
    listed = _list_start(reading, start, target_words)  # (a list of targets reaches each of them)
    if _edited(reading, start) or _edited(reading, listed):
        return False  # "Support for editing user roles", "updating team member role": an operation on what is there
    if _part_before(reading, start) or _part_before(reading, listed):
        return False  # "DeepSeek-V3 pricing on Fireworks AI", "ETag information with model artifacts"
    if _in_model_name(reading, start, end) or _after_model_name(reading, start):
        return False  # "gpt-4o-mini-tts support", "o1-pro Responses API streaming support": a new model of a
        # capability that is there
    if integration and _INTEGRATION_PAGE.match(" ".join(reading.words[end:end + 2])):
        return False  # "add litellm integrations UI": a page about the integration, not the integration
    if integration and _models_listed(reading, start):
        return False  # "20 models across DeepSeek, Qwen, Mistral": models, not their providers
    if _INTO_TEMPLATE.match(" ".join(reading.words[end:end + 8])) and not _purpose_follows(reading, end):
        return False  # "Add GenAI instrumentation to default instrumentator in ADK VAE template": a sample gets it
    if not integration and _INTO_INTEGRATION.match(" ".join(reading.words[end:end + 7])):
        return False  # "cron jobs in the Celery integration"
    if integration and _target_acts(reading, start, end):
        return False  # "OpenAI has delighted many developers with the release of GPT-4o": the target's news
    if integration and start == 1 and reading.gaps[1] == " " \
            and _thing_supported(reading.words[0], reading.stems[0]) and reading.words[0] not in _ACTIONS:
        return False  # "Auth prometheus metrics": a thing of the integration, which was there
    if not integration and 0 < start < len(reading.words) and reading.words[start] in ("support", "supports") \
            and reading.gaps[start] == " " and _thing_supported(reading.words[start - 1], reading.stems[start - 1]):
        return False  # "Add Union support to response_schema": a thing of the capability (a rule took "support" in)
    if _something_supported(reading, start, target_words, integration):
        return False  # "Add function calling support for Snowflake Cortex": a further thing of the target;
        # "Metadata support for redis vector-store": a further thing of the capability
    if integration and end < len(reading.words) and reading.words[end].isdigit() \
            and not PHRASE_BREAK.search(reading.gaps[end]):
        return False  # "support for `langchain==0.1.0`", "Claude 3 support": a version or model of the target
    sentence = _sentence_before(reading, start)
    if not integration and _OBSERVING.search(sentence + " "):
        return False  # "Add logging callback support for the moderations API"
    if _MEMBERS_ADDED.search(sentence):
        return False  # "Support new fields in FileData, GenerationConfig, TuningJob"
    if _in_examples(reading, start):
        return False  # "a red team scanner (for example bias, hallucination, PII)"
    if _member_object(reading, start):
        return False  # "Introduce a new parameter which represents the header used by the Web Connector"
    if _in_spec(reading, start, end):
        return False  # "routing support for gpt-5.4 (1M context, $2.50/$15.00)": a model's spec
    attached = _ATTACHED.search(sentence)
    if attached and not set(attached[1].split()) - _ARTICLES <= _INTEGRATION_WORDS:
        return False  # "add an h2_ports parameter to Sandbox.create": an addition to the capability
    norm, starts = reading.norm, reading.starts
    after = norm[starts[end - 1]:] if end - 1 < len(starts) else ""
    m = _NOW_VERB.search(after)
    if m and not _clause_break(reading, end, m.start() + starts[end - 1]):
        return False  # the capability is the subject of "now <verb>": an extension
    # "... async calls in the OpenAI integration": the integration is where the addition goes
    ws = reading.words
    before = [w for w in ws[max(0, start - 2):start] if w not in ("the", "a", "an", "our", "its", "your")]
    tail = ws[end:end + 2]
    return not (before and before[-1] in _EXTENDS and start > 0 and any(w in _INTEGRATION_NOUNS for w in tail)
                and not _opens_with_capability(ws, start))


_MEANS = frozenset("using via through".split())
_USE_IS_LAUNCHED = frozenset("for support supports supported of allow allows enable enables".split())


def _means(reading: Reading, start: int) -> bool:
    """The capability is the means of something else: "router query engine using OpenAI function calling"."""
    words = reading.words
    for j in (start - 1, start - 2, start - 3):  # (a provider's name may stand between: "using OpenAI ...")
        if j < 0 or PHRASE_BREAK.search(reading.gaps[j + 1]):
            return False
        if words[j] in _MEANS:  # ... but "adds support for using Provisioned Throughput" launches it
            return j == 0 or words[j - 1] not in _USE_IS_LAUNCHED
        if j == 0 and words[j] in ("use", "uses"):
            return True  # "use openai compatible mode for json schema conversion": how something else is done
    return False


def _something_supported(reading: Reading, start: int, target_words: frozenset[int], integration: bool) -> bool:
    """"<something> support for|in|with [the] <target>" where the something is neither a launch nor an
    integration word nor another target: that something of the target is what is supported. A capability
    may have one qualifier of its own after "for" ("Metadata support for redis vector-store")."""
    ws, j = reading.words, start - 1
    while j >= 0 and ws[j] in _ARTICLES:
        j -= 1
    if not integration:
        if j >= 2 and ws[j] not in _FUNCTION_WORDS and not PHRASE_BREAK.search(reading.gaps[j + 1]):
            k = j - 1  # (past one qualifier of the capability's own: "for the qdrant vector store")
            while k >= 0 and ws[k] in _ARTICLES:
                k -= 1
            if k >= 1 and ws[k] in ("for", "in", "with") and not PHRASE_BREAK.search(reading.gaps[j]):
                j = k
        # only the one word right before "support": "metadata support", "TLS support", "CLI support" (not
        # "GA support", "the support", "adds support", "introduced support")
        return j >= 2 and ws[j] in ("for", "in", "with") and ws[j - 1] in ("support", "supports") \
            and not PHRASE_BREAK.search(reading.gaps[j - 1]) \
            and (_thing_supported(ws[j - 2], reading.stems[j - 2]) or _model_name_ends(reading, j - 2))
    if j < 1 or ws[j] not in ("for", "in", "with") or ws[j - 1] not in ("support", "supports"):
        return False
    k = j - 2
    qualifiers: list[int] = []
    while k >= 0 and len(qualifiers) < 4 and not PHRASE_BREAK.search(reading.gaps[k + 1]):
        qualifiers.append(k)
        k -= 1
    return any(ws[i] not in _SUPPORT_QUALIFIERS and i not in target_words and not ws[i].isdigit()
               for i in qualifiers)


# Words before "support" that make it no thing of its own: stages, degrees, launch verbs.
_NOT_A_THING = _SUPPORT_QUALIFIERS | _FUNCTION_WORDS | frozenset(
    "this now also ga public private preview early limited initial improved better broader expanded extended "
    "proper generic general partial complete comprehensive first class level more additional extra".split()
)
_LAUNCH_STEMS = ("introduc", "releas", "launch", "enabl", "implement", "provid", "offer", "bring", "includ",
                 "extend", "expand", "improv", "ad", "add")
# Verbs that open a line about an integration without making its first word a thing of it ("Expose ...").
_ACTIONS = frozenset(
    "expose exposes export exports emit emits send sends use uses allow allows integrate integrates".split()
)


def _thing_supported(word: str, word_stem: str) -> bool:
    """The word before "support" names a thing of what follows ("metadata", "TLS", "arrow")."""
    return word not in _NOT_A_THING and not word.isdigit() and not word_stem.startswith(_LAUNCH_STEMS)


def _target_acts(reading: Reading, start: int, end: int) -> bool:
    """The target opens a sentence and a verb of its own follows: the line reports the target's news."""
    ws = reading.words
    return end < len(ws) and ws[end] in _TARGET_ACTS and ws[end + 1:end + 2] != ("been",) \
        and (start == 0 or _sentence_end(reading, start)) and not PHRASE_BREAK.search(reading.gaps[end])


_OPENERS = frozenset(
    "add adds added adding introduce introduces introduced implement implements implemented new initial basic "
    "experimental native official first a an the".split()
)


def launches_an_integration(reading: Reading) -> bool:
    """The line (after its scope) opens by launching an integration ("langchain: Adds integration with support
    for metrics, logs, and traces from LangChain requests"): under a scope that names a target, it launches
    that target's integration, wherever else the text names the target."""
    return _integration_object(reading.words[:_first_clause_end(reading, 0)])


def _integration_object(words: Sequence[str]) -> bool:
    """The clause after a scope launches an integration of it: "Adds integration with ...", "new instrumentation"."""
    rest = list(words)
    while rest and rest[0] in _OPENERS:
        rest.pop(0)
    # (not "add instrumentation for Anthropic tool calling": what follows "for" says what it covers)
    return len(rest) < len(words) and bool(rest) and rest[0] in _INTEGRATION_NOUNS \
        and (len(rest) == 1 or rest[1] not in ("for", "of", "to", "in"))


def _first_clause_end(reading: Reading, end: int) -> int:
    """The index one past the last word of the clause that follows word `end` (a comma, a full stop ...)."""
    for j in range(end + 1, len(reading.words)):
        if any(c in reading.gaps[j] for c in ",;.:!?(") or " - " in reading.gaps[j]:
            return j
    return len(reading.words)


def _in_opening_scope(reading: Reading, start: int, end: int) -> bool:
    """Words [start, end) are the whole of a scope that opens the line: in parentheses ("(litellm) ...") or
    before a colon ("openai: Introduces ...")."""
    gaps = reading.gaps
    if start != 0 or end >= len(gaps) or any(c in g for g in gaps[1:end] for c in "():"):
        return False
    if "(" in gaps[0] and ")" in gaps[end]:
        return True
    # (a scope names something; a rule's span that opens with a launch word is the launch itself)
    return gaps[end].startswith(":") and not _OPENS_AS_LAUNCH.match(reading.words[0])


def _part_before(reading: Reading, start: int) -> bool:
    """"<part noun> on|for|in|of|with [the] <capability>": "pricing on Fireworks AI", "rate limit headers for
    Anthropic"."""
    ws, j = reading.words, start - 1
    while j >= 0 and ws[j] in _ARTICLES:
        j -= 1
    return j >= 1 and ws[j] in ("on", "for", "in", "of", "with") and reading.stems[j - 1] in _PART_NOUNS \
        and not PHRASE_BREAK.search(reading.gaps[j])


def _in_model_name(reading: Reading, start: int, end: int) -> bool:
    """The capability's words are part of a hyphenated name with a version number in it: a model
    ("gpt-4o-mini-tts", "gpt-4o-transcribe", "text-embedding-3-large"). A dated beta's name
    ("computer-use-2024-10-22", "context-1m-2025-08-07") launches its capability: its only numbers
    are the date and sizes."""
    gaps, ws = reading.gaps, reading.words
    first, last = start, end
    while first > 0 and gaps[first] == "-":
        first -= 1
    while last < len(ws) and gaps[last] == "-":
        last += 1
    return (first, last) != (start, end) and _versioned(ws[first:last])


# What a model answers with: "streaming chat responses" are the model's answers streamed, the capability itself.
_ANSWERS = frozenset("chat completion completions model models llm llms text agent agents assistant message".split())


def _kind_streamed(reading: Reading, end: int) -> bool:
    """The capability's words end in "streaming" and a kind of response follows: "streaming raw responses",
    "streaming websocket responses" (not "streaming responses" itself)."""
    ws = reading.words
    return 0 < end < len(ws) - 1 and ws[end - 1] == "streaming" and ws[end + 1] in ("response", "responses") \
        and ws[end] not in _FUNCTION_WORDS and reading.stems[end] not in _HEADS and ws[end] not in _ANSWERS \
        and not PHRASE_BREAK.search(reading.gaps[end]) and not PHRASE_BREAK.search(reading.gaps[end + 1])


def _after_model_name(reading: Reading, start: int) -> bool:
    """A hyphenated model name stands before the capability, at most two words of the same phrase between
    ("o1-pro Responses API streaming support")."""
    for j in range(start - 1, max(-1, start - 4), -1):
        if PHRASE_BREAK.search(reading.gaps[j + 1]) or reading.words[j] in _FUNCTION_WORDS:
            return False
        if _model_name_ends(reading, j):
            return True
    return False


def _model_name_ends(reading: Reading, last: int) -> bool:
    """Word `last` ends a hyphenated name with a version number in it: a model ("gemini-3-pro-preview support
    for local tokenizer": one more model for a capability that is there)."""
    first = last
    while first > 0 and reading.gaps[first] == "-":
        first -= 1
    return first < last and _versioned(reading.words[first:last + 1])


def _versioned(parts: Sequence[str]) -> bool:
    """The parts of a hyphenated name carry a version number, not only a date or sizes ("gpt-4o-mini-tts",
    not "computer-use-2024-10-22")."""
    return bool(_VERSION_IN_NAME.search(_DATE_OR_SIZE.sub("", "-".join(parts))))


def _models_listed(reading: Reading, start: int) -> bool:
    """Word `start` is in a list of names that follows "models across|from|including ..." in its sentence."""
    first = max(0, start - _LIST_LOOKBACK)
    for j in range(start, first, -1):
        if _sentence_end(reading, j):
            first = j
            break
    return bool(_MODELS_LISTED.search(" ".join(reading.words[first:start])))


# A size, a price or a count in parentheses: "(1M context, $2.50/$15.00)" is a model's spec sheet.
_SPEC_WORD = re.compile(r"^\d+(?:\.\d+)?(?:k|m|b|x)?$")


def _in_spec(reading: Reading, start: int, end: int) -> bool:
    """Words [start, end) are inside parentheses that give a spec (a number, a size, a price): the capability
    describes a model or a plan the line adds, and the line does not launch it."""
    gaps, ws = reading.gaps, reading.words
    for k in range(start, -1, -1):
        if ")" in gaps[k] and k < start:
            return False
        if "(" in gaps[k]:
            close = next((j for j in range(end, len(ws)) if ")" in gaps[j]), len(ws))
            inside = range(k, close)
            return any(_SPEC_WORD.match(ws[i]) for i in inside) or any("$" in gaps[i] for i in inside)
    return False


_BEFORE_OBJECT = frozenset(
    "add adds added adding introduce introduces introduced introducing expose exposes exposed exposing a an the new "
    "optional additional extra two three several support supports".split()
)


def _member_object(reading: Reading, start: int) -> bool:
    """The line opens by adding a member ("Add a new parameter ...", "Introduce optional fields ..."): the
    capability named after it is what the member belongs to or is for."""
    for j in range(start):
        if reading.stems[j] in _MEMBER_NOUNS:
            return j > 0
        if reading.words[j] not in _BEFORE_OBJECT:
            return False
    return False


def _purpose_follows(reading: Reading, end: int) -> bool:
    """"... to automatically improve prompt templates": "to" opens a purpose, not a place."""
    nxt = reading.words[end + 1] if end + 1 < len(reading.words) else ""
    return nxt in _VERBS_OF_PURPOSE or nxt in _PURPOSE or nxt.endswith("ly")


_INTO_IT = frozenset("in into inside within".split())


def _placed_into(reading: Reading, start: int) -> bool:
    """"<something> in|into [the] <capability>": the capability is where the something goes."""
    ws = reading.words
    j = start - 1
    while j >= 0 and ws[j] in _ARTICLES:
        j -= 1
    if j < 1 or ws[j] not in _INTO_IT or PHRASE_BREAK.search(reading.gaps[j + 1]) \
            or PHRASE_BREAK.search(reading.gaps[j]):
        return False
    return ws[j - 1] not in _FUNCTION_WORDS and ws[j - 1] not in _OPENERS and not ws[j - 1].isdigit()


def _list_start(reading: Reading, start: int, target_words: frozenset[int]) -> int:
    """Where a list of targets that ends with the one at `start` begins ("discovering Gemini, Anthropic, xAI
    models": Gemini); `start` itself when no target list leads up to it."""
    ws, gaps = reading.words, reading.gaps
    j = start
    while j > 0 and (j - 1 in target_words or (ws[j - 1] in ("and", "or") and j - 2 in target_words)) \
            and gaps[j].strip() in ("", ",", ", and", ", or"):
        j -= 1
    return j


_MODES = frozenset("parallel async asynchronous".split())
_MODES_BEFORE = _MODES | {"streaming", "streamed"}  # ("streaming" in the capability's words is streaming itself)
_ADDS = frozenset("add adds added support supports".split())
_SPAN_OPENERS = _ADDS | {"supported", "for", "of"}


def _in_a_mode(reading: Reading, start: int, end: int) -> bool:
    """A mode word opens the capability's words, or stands right before them, and more than a head noun
    follows it: a mode of a capability the party had ("parallel function calls", "streaming guardrail support")."""
    ws = reading.words
    while start < end - 1 and ws[start] in _SPAN_OPENERS:
        start += 1  # (a rule may take the launch words in: "add support for parallel function calls")
    if ws[start] in _MODES:
        rest = list(reading.stems[start + 1:end])
    elif start > 0 and ws[start - 1] in _MODES_BEFORE and not PHRASE_BREAK.search(reading.gaps[start]):
        rest = list(reading.stems[start:end])
    else:
        return False
    return bool(rest) and not all(s in _HEADS for s in rest)


def _opened_by(reading: Reading, start: int, verbs: frozenset[str], reach: int) -> bool:
    """The line opens with one of `verbs`, and the capability follows within `reach` words in one phrase."""
    return 0 < start <= reach and reading.words[0] in verbs \
        and not any(PHRASE_BREAK.search(g) for g in reading.gaps[1:start + 1])


def _opening_word(reading: Reading) -> str:
    """The line's first word after a "scope:" label."""
    ws = reading.words
    return ws[1] if len(ws) > 1 and ":" in reading.gaps[1] else ws[0]


def _edited(reading: Reading, start: int) -> bool:
    """An editing operation right before the capability, or before one word that qualifies it."""
    ws = reading.words
    for j in (start - 1, start - 2):
        if j < 0 or PHRASE_BREAK.search(reading.gaps[j + 1]):
            return False
        if ws[j] in _EDITING:
            return reading.gaps[j] != "-"  # (not "state-changing actions": a compound)
        if ws[j] in _FUNCTION_WORDS or ws[j] in _ARTICLES:
            return False
    return False


def _family_priced(reading: Reading, start: int) -> bool:
    """"add stability model pricing": a name right before "model pricing" says whose models got price entries."""
    ws = reading.words
    return 0 < start < len(ws) and ws[start] in _MODEL_WORDS and not PHRASE_BREAK.search(reading.gaps[start]) \
        and _thing_supported(ws[start - 1], reading.stems[start - 1]) and ws[start - 1] not in ("per", "custom")


def _names_a_model(reading: Reading) -> bool:
    """The line names a model: a hyphenated name with a version number ("gemini-2.0-flash", "gpt-4o")."""
    gaps, ws = reading.gaps, reading.words
    j = 0
    while j < len(ws):
        k = j + 1
        while k < len(ws) and gaps[k] in ("-", "."):
            k += 1
        if k - j > 1 and _versioned(ws[j:k]) and any(w.isalpha() for w in ws[j:k]):
            return True
        j = k
    return False


def _api_plumbing(reading: Reading) -> bool:
    """The line names GraphQL ("gql", "graphql") as a word of its own, not inside a hyphenated name ("px-gql")."""
    gaps = reading.gaps
    return any(s in _API_PLUMBING and gaps[j] != "-" and (j + 1 == len(gaps) or gaps[j + 1] != "-")
               for j, s in enumerate(reading.stems))


def _in_parentheses(reading: Reading, start: int, end: int) -> bool:
    """Words [start, end) are all there is inside a pair of parentheses: "(Tensorflow)"."""
    gaps = reading.gaps
    return start > 0 and "(" in gaps[start] and (end == len(gaps) or ")" in gaps[end])


def _in_examples(reading: Reading, start: int) -> bool:
    """Word `start` is inside parentheses that open with "for example", "such as", "e.g." ..., or follows
    "such as" or "for example" in its phrase ("completion parameters such as `reasoning_effort`")."""
    gaps = reading.gaps
    for k in range(start, -1, -1):
        if ")" in gaps[k]:
            break
        if "(" in gaps[k]:
            return bool(_EXAMPLES.match(" ".join(reading.words[k:start + 1])))
    return bool(_EXAMPLE_LEAD.search(" ".join(reading.words[max(0, start - 4):start]))) \
        or bool(_EXAMPLES_LISTED.search(_sentence_before(reading, start)))


_MEMBER_KINDS = _MEMBER_NOUNS | frozenset(stem(w) for w in "method methods".split())


def _code_label_then_adds(reading: Reading, end: int, plain: frozenset[str]) -> bool:
    """The line opens with a code name holding the capability's words, a dash, then an addition to it
    ("TextEmbeddingModel - Added support for ...": "text embedding model", "model" only in that code too)."""
    if any(s in plain for s in reading.stems[:end]):
        return False
    limit = min(len(reading.words), end + 3)
    while end < limit and reading.gaps[end] == " " and reading.stems[end] not in plain:
        end += 1
    return _label_dash(reading, end) and reading.words[end] in _ADDS


def _label_dash(reading: Reading, end: int) -> bool:
    """A dash follows the capability: it is the label of what the rest of the line says."""
    return end < len(reading.words) and (" - " in reading.gaps[end] or "\u2013" in reading.gaps[end]
                                         or "\u2014" in reading.gaps[end])


def _dash_then_members(reading: Reading, end: int) -> bool:
    """The capability is a label, and after its dash come members added to it ("X - add get() classmethod")."""
    return _label_dash(reading, end) and any(s in _MEMBER_KINDS for s in reading.stems[end:end + 8])


def _part_follows(reading: Reading, end: int) -> bool:
    """A part or setting of the capability is named right after it, in the same phrase (`_PART_NOUNS`)."""
    stems, gaps = reading.stems, reading.gaps
    for j in range(end, min(end + _PART_LOOKAHEAD, len(stems))):
        if PHRASE_BREAK.search(gaps[j]):
            return False
        s = stems[j]
        if s in _PART_NOUNS or (j > end and s in _PARAMETERS):
            return True  # (a parameter right after it is how an API ships it: "service tier argument")
        if s in ("and", "or"):
            continue  # "structured MCP and websocket errors": the part is the coordinated pair's
        if s in _HEADS or s in _FUNCTION_WORDS:
            return False
    return False


# An operation added to something there, when the capability is named only in its code: "Add
# StopNotebookRuntime method", "add ListModelVersion, DeleteModelVersion ... rpcs".
_OPERATION_NOUNS = frozenset(stem(w) for w in "method methods rpc rpcs".split())


def _member_follows(stems: tuple[str, ...], end: int, plain: frozenset[str]) -> bool:
    """A data-member (or operation) noun follows the code that names the capability, past other code and
    "and"/"or" ("Added max_provisioned_throughput and min_provisioned_throughput fields")."""
    prose = 0
    for s in stems[end:end + 12]:
        if s in _MEMBER_NOUNS or s in _OPERATION_NOUNS:
            return True
        if s in plain and s not in ("and", "or"):
            prose += 1  # "shell_call_output status field": a noun or two may qualify the member
            if prose > 2:
                return False
    return False


def _code_put_into(reading: Reading, end: int, plain: frozenset[str]) -> bool:
    """After the code that names the capability, past more code and "and"/"or", the line says where it goes
    ("Add safety_filter_level and person_generation for Imagen upscaling", "Expose generation_complete,
    input/output_transcription to SDK"): members of something there."""
    stems, ws = reading.stems, reading.words
    for j in range(end, min(end + 12, len(stems))):
        s = stems[j]
        if s in _INTO:
            after, then = (ws[j + 1:j + 3] + ("", ""))[:2]
            # not a purpose ("to score whether ...", "to support postgres") or a release ("to GA")
            purpose = after in _PURPOSE and stems[j + 1] in plain  # (not "to evaluate()", code)
            release = after in ("ga", "beta", "preview", "stable") or f"{after} {then}" in _RELEASE_STAGES
            return not (ws[j] == "to" and (purpose or release))
        if s in plain and s not in ("and", "or"):
            return False
    return False


# "to <verb>": what the new code is for, not where it goes
_PURPOSE = frozenset(
    "score scores measure evaluate support supports allow allows enable enables let lets make help track "
    "detect check compute provide produce use run send get create return persist manage handle monitor customize "
    "observe capture log count estimate compare generate build define visualize visualise debug protect "
    "store export invoke connect integrate instrument trace automate".split()
)
_RELEASE_STAGES = frozenset(("general availability", "public preview", "public beta", "private preview"))


def _added_to_code(reading: Reading, end: int, plain: frozenset[str]) -> bool:
    """Right after the capability (named in prose), "to|into" and code: it is added to code that is there."""
    stems = reading.stems
    into: tuple[str, ...] = ("to", "into")
    if end + 1 < len(stems) and not PHRASE_BREAK.search(reading.gaps[end]):
        if reading.words[end] in _MODEL_WORDS:
            end += 1  # ("support for hyperparameter-tuning models to `mlflow.pyspark.ml.autolog()`")
        elif reading.words[end] in ("support", "supports"):
            end, into = end + 1, ("in",)  # "streaming response support in `CondenseQuestionChatEngine`" (not
            # "VPC Peering support to CustomTrainingJob classes", which brings it to a kind of job)
    if end + 1 >= len(stems) or reading.words[end] not in into or PHRASE_BREAK.search(reading.gaps[end]):
        return False
    j = end + 1
    if reading.words[j] in ("the", "a", "an") and j + 1 < len(stems):
        j += 1
    return stems[j] not in plain


def _member_before(reading: Reading, start: int) -> bool:
    """A member noun right before the code that names the capability: "Add fields grounding_chunks and ..."."""
    for j in range(start - 1, max(-1, start - 3), -1):
        if PHRASE_BREAK.search(reading.gaps[j + 1]):
            return False
        if reading.stems[j] in _MEMBER_NOUNS:
            return True
    return False


def _clause_before(reading: Reading, start: int) -> str:
    """The words from the start of the clause that holds word `start` up to it."""
    first = 0
    for j in range(start, 0, -1):
        gap = reading.gaps[j]
        if any(c in gap for c in ",;+&") or " - " in gap or _sentence_end(reading, j) \
                or reading.words[j - 1] in ("and", "plus", "also", "then"):
            first = j
            break
    return " ".join(reading.words[first:start + 1])


def _sentence_before(reading: Reading, start: int) -> str:
    """The words from the start of the sentence (or after a colon) up to word `start`."""
    first = 0
    for j in range(start, 0, -1):
        if _sentence_end(reading, j):
            first = j
            break
    return " ".join(reading.words[first:start + 1])


_FULL_STOP = re.compile(r"[.!?]\s")


def _after_full_stop(reading: Reading, start: int) -> bool:
    """Word `start` is past the line's first full stop (a colon or semicolon does not end it; nor does the
    dot of a number, "v2. ...") in a sentence that does not open as a launch of its own ("Tagging support
    for X. Added support for Distillation in Y" lists two changes)."""
    stops = _full_stops(reading, start)
    return bool(stops) and not _OPENS_AS_LAUNCH.match(" ".join(reading.words[stops[-1]:start + 1]))


def _full_stops(reading: Reading, start: int) -> list[int]:
    """The words up to `start` that a full stop comes before (not the dot of a number)."""
    return [j for j in range(1, min(start, len(reading.gaps) - 1) + 1)
            if _FULL_STOP.search(reading.gaps[j]) and not reading.words[j - 1].isdigit()]


def first_sentence_end(reading: Reading) -> int:
    """One past the last word of the line's first sentence."""
    return next((j for j in range(1, len(reading.words)) if _sentence_end(reading, j)), len(reading.words))


def _sentence_end(reading: Reading, j: int) -> bool:
    """A sentence ends before word `j` (not the dot of a numbered item: "2. Enhanced playground")."""
    return bool(_SENTENCE_END.search(reading.gaps[j])) and not reading.words[j - 1].isdigit()


def _clause_break(reading: Reading, end: int, offset: int) -> bool:
    """A full stop or a new clause between the capability and "now": another subject ("A, B and C now ..."
    share one)."""
    for j in range(end, len(reading.words)):
        if reading.starts[j] >= offset:
            break
        if any(c in reading.gaps[j] for c in ".;:") or reading.words[j] in ("but", "which", "that", "when", "while"):
            return True
    return False


def _opens_with_capability(ws: tuple[str, ...], start: int) -> bool:
    """"Support for X integration" announces X; only a preposition after other content extends it."""
    return all(w in ("add", "adds", "added", "support", "for", "new", "the", "a", "an", "initial") for w in ws[:start - 1])
