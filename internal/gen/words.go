package gen

import "newshub/internal/gen/picture"

// The vocabulary of the synthetic hub. Every name here is invented for it:
// places, publishers and people do not exist.

var places = []string{
	"Ashford", "Brennan Falls", "Cedar Hollow", "Dunmore", "Eastvale", "Fenwick",
	"Glenmarsh", "Harlow Bay", "Ironwood", "Juniper Flats", "Kestrel Point",
	"Larkspur", "Millbrook", "Northgate", "Oakridge", "Pinecrest", "Quarry Hill",
	"Redmarsh", "Silverlake", "Thornbury", "Upton Vale", "Westbrook", "Yarrow",
	"Zephyr Heights", "Blackwater", "Copperfield", "Driftwood", "Elmsworth",
}

var mastheads = []string{
	"Ledger", "Courier", "Tribune", "Herald", "Gazette", "Post", "Chronicle",
	"Sentinel", "Dispatch", "Observer", "Times", "Journal", "Beacon", "Record",
	"Register", "Monitor", "Bulletin", "Press", "Examiner", "Star",
}

var nationalOutlets = []string{
	"Civic Wire", "Capitol Report", "Daily Ballot", "Statehouse Review",
	"Nation Desk", "Open Record News", "Public Square Media", "Crossroads Radio",
}

var tlds = []string{"com", "com", "com", "com", "org", "net", "news"}

var sections = []string{"politics", "news", "elections", "nation", "local", "government"}

var firstNames = []string{
	"Maren", "Tobias", "Ilse", "Dorian", "Priya", "Caleb", "Rosalind", "Emeka",
	"Juno", "Hector", "Wren", "Anselm", "Talia", "Bram", "Odessa", "Felix",
	"Noor", "Silas", "Greta", "Marcus", "Leona", "Idris", "Clara", "Rafael",
}

var lastNames = []string{
	"Holloway", "Quintero", "Varga", "Ashby", "Lindqvist", "Okafor", "Brandt",
	"Castellan", "Mbeki", "Sorensen", "Valdivia", "Pemberton", "Iwasaki",
	"Drummond", "Fairweather", "Kowalczyk", "Ostrander", "Rainier", "Tamsin",
	"Whitlock",
}

var roles = []string{
	"state senator", "governor", "mayor", "party chair", "campaign manager",
	"county clerk", "attorney general", "congressional candidate",
}

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// issue is a subject a story can be about; its words decide its topics.
type issue struct {
	phrase string // as it appears in a title
	verb   string // what a plan would do to it
}

var issues = []issue{
	{"housing costs", "lower"}, {"rail expansion", "fund"}, {"water rights", "protect"},
	{"wildfire response", "overhaul"}, {"school funding", "boost"}, {"tax relief", "expand"},
	{"minimum wage", "raise"}, {"energy prices", "cut"}, {"border checkpoints", "staff"},
	{"health care", "extend"}, {"pension reform", "rework"}, {"broadband access", "widen"},
	{"inflation", "tame"}, {"trade tariffs", "reverse"}, {"flood defenses", "rebuild"},
	{"climate rules", "tighten"}, {"jobs programs", "grow"}, {"the state budget", "balance"},
	{"drought planning", "speed up"}, {"emissions targets", "reset"}, {"small business taxes", "cut"},
	{"voting access", "widen"}, {"ballot security", "tighten"}, {"public transit", "fund"},
}

var endorsers = []string{
	"the teachers' union", "the state farm bureau", "former governor Ada Pell",
	"the firefighters' association", "the chamber of commerce", "the nurses' guild",
	"the transit workers' union", "a coalition of mayors", "the retirees' alliance",
}

// frame is a kind of story: the picture its coverage shares and the
// templates of its titles. Slots: {A} actor's full name, {a} actor's
// surname, {B}/{b} the rival, {O} issue, {V} issue verb, {P} place, {N} a
// number, {E} an endorser, {W} weekday.
type frame struct {
	motif  picture.Motif
	titles []string
}

var frames = []frame{
	{picture.Rally, []string{ // rally
		"{A} holds rally in {P}",
		"{a} rallies supporters in {P}",
		"{A} draws crowd of {N},000 at {P} rally",
		"At {P} rally, {a} vows to {V} {O}",
		"{a} takes campaign to {P}",
		"{A} fires up {P} crowd with pledge on {O}",
		"Thousands turn out for {a} in {P}",
	}},
	{picture.Plan, []string{ // plan
		"{A} unveils plan to {V} {O}",
		"{a} releases proposal on {O}",
		"{a}'s new plan would {V} {O}",
		"{A} lays out agenda on {O}",
		"What's in {a}'s plan for {O}",
		"{a} rolls out {O} plan in {P}",
		"{A} promises to {V} {O} in first year",
	}},
	{picture.Debate, []string{ // debate
		"{A} and {B} clash over {O} in debate",
		"{a}, {b} spar on {O}",
		"Debate takeaways: {a} and {b} on {O}",
		"{a} presses {b} on {O} during debate",
		"Five moments from the {a}-{b} debate",
		"{b} and {a} trade barbs over {O}",
	}},
	{picture.Poll, []string{ // poll
		"Poll shows {a} leading in {P}",
		"{a} gains ground in {P}, new survey finds",
		"New {P} poll: {a} up {N} points",
		"{a} holds {N}-point edge in {P} poll",
		"Survey: {P} voters lean toward {a}",
		"{a} pulls ahead of {b} in {P}",
	}},
	{picture.Endorsement, []string{ // endorsement
		"{E} endorses {A}",
		"{a} wins backing of {E}",
		"{E} throws support behind {a}",
		"{a} picks up endorsement from {E}",
		"In boost for {a}, {E} announces endorsement",
	}},
	{picture.Clash, []string{ // attack
		"{A} criticizes {B} over {O}",
		"{a} slams {b}'s record on {O}",
		"{a} takes aim at {b} on {O}",
		"{b} under fire from {a} over {O}",
		"{a} accuses {b} of failing on {O}",
	}},
	{picture.Money, []string{ // fundraising
		"{A} raises ${N} million in a month",
		"{a} campaign reports ${N}M haul",
		"{a} posts record fundraising month",
		"{a} outraises {b} with ${N} million",
		"Donors pour ${N} million into {a} campaign",
	}},
	{picture.Visit, []string{ // visit
		"{A} visits {P} to discuss {O}",
		"{a} tours {P} amid debate over {O}",
		"In {P}, {a} hears from residents on {O}",
		"{a} stops in {P} as {O} fight heats up",
	}},
	{picture.Court, []string{ // courts and rules
		"Judge blocks {P} election rule on {O}",
		"Court hears challenge to {P} ballot law",
		"{P} officials defend new {O} measures",
		"Lawsuit targets {P} rules on {O}",
		"Appeals court weighs {P} dispute over {O}",
	}},
}

// Sentences of excerpts, with the same slots as titles.
var leadSentences = []string{
	"{A} told supporters in {P} on {W} that the campaign would {V} {O} if elected.",
	"Speaking in {P} on {W}, {a} said {O} would be the first priority of a new term.",
	"{A} spent {W} in {P}, where {O} has become a defining issue of the race.",
	"The {a} campaign said on {W} that its approach to {O} had drawn new support in {P}.",
	"Voters in {P} heard competing promises on {O} as {a} and {b} made their cases on {W}.",
	"A {W} announcement from {a} put {O} back at the center of the election.",
}

var followSentences = []string{
	"Critics said the numbers did not add up.",
	"{b} dismissed the plan as a rerun of old ideas.",
	"Local officials said they would wait for details.",
	"The race remains close with weeks to go before the vote.",
	"Analysts expect the issue to feature in the next debate.",
	"Turnout in {P} could decide the outcome.",
	"Supporters waved signs and chanted outside the venue.",
	"The campaign did not respond to a request for comment.",
	"Polls suggest voters rank {O} among their top three concerns.",
	"{E} had been courted by both campaigns for months.",
}

var titlePrefixes = []string{"WATCH: ", "Analysis: ", "Live updates: ", "Opinion: ", "Explainer: "}

// Events of the hub's calendar, with their pictures; {P} is a place, {O}
// an issue.
var eventNames = []struct {
	name  string
	motif picture.Motif
}{
	{"Candidate Forum in {P}", picture.Debate}, {"Town Hall on {O}", picture.Rally},
	{"First Gubernatorial Debate", picture.Debate}, {"Second Gubernatorial Debate", picture.Debate},
	{"Party Convention", picture.Rally}, {"Voter Registration Deadline", picture.Plan},
	{"Early Voting Opens", picture.Ballot}, {"Election Day", picture.Ballot},
	{"Youth Vote Summit in {P}", picture.Rally}, {"Budget Hearing on {O}", picture.Court},
	{"Lieutenant Governor Debate", picture.Debate}, {"Results Night Watch Party", picture.Poll},
}

var learningArticles = []string{
	"How a ballot measure reaches voters", "What the state legislature does",
	"How early voting works", "Reading an election poll",
	"How districts are drawn",
}

var learningVideos = []string{
	"The path to the governor's office", "Registering to vote, step by step",
	"How votes are counted", "What a recount is",
}

var bioTemplates = []string{
	"{R} from {P}. Focused on {O}.",
	"Former {R}, now running statewide. Lives in {P}.",
	"{R} and advocate for {O}. Parent, hiker, coffee enthusiast.",
	"Serving {P} as {R}. Opinions my own.",
}
