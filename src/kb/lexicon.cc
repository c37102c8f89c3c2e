#include "kb/lexicon.h"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_set>

namespace caspian::kb::lexicon {

namespace {

using WordSet = std::unordered_set<std::string_view>;

template <size_t N>
WordSet make_set(const std::array<std::string_view, N>& words) {
  return WordSet(words.begin(), words.end());
}

constexpr std::array kFunctionWords = std::to_array<std::string_view>({
    "a", "about", "above", "according", "across", "after", "against", "all", "almost", "also", "although",
    "among", "an", "and", "another", "any", "are", "around", "as", "at", "because", "before", "behind",
    "being", "below", "beneath", "beside", "besides", "between", "beyond", "both", "but", "by", "can",
    "despite", "did", "do", "does", "during", "each", "earlier", "either", "even", "ever", "every", "except",
    "few", "following", "for", "from", "further", "furthermore", "had", "has", "have", "he", "her", "here",
    "hers", "him", "his", "how", "however", "i", "if", "in", "including", "indeed", "inside", "instead", "into",
    "is", "it", "its", "just", "last", "later", "like", "many", "may", "meanwhile", "might", "more", "moreover",
    "most", "much", "must", "my", "near", "neither", "never", "next", "no", "nor", "not", "now", "of", "off",
    "often", "on", "once", "one", "only", "or", "other", "others", "our", "out", "outside", "over", "per",
    "perhaps", "regarding", "several", "she", "should", "since", "so", "some", "still", "such", "than", "that",
    "the", "their", "them", "then", "there", "therefore", "these", "they", "this", "those", "though", "through",
    "throughout", "thus", "to", "today", "together", "tomorrow", "too", "toward", "towards", "under", "unlike",
    "until", "upon", "us", "very", "via", "was", "we", "were", "what", "when", "where", "whether", "which",
    "while", "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yesterday", "yet",
    "you", "your", "second", "third", "first", "new", "two", "three", "four", "five", "ten", "yes", "according",
    "additionally", "overall", "recently", "currently", "finally", "notably", "similarly", "nevertheless",
    "initially", "ultimately", "previously", "subsequently", "amid", "amidst", "onto", "whereas", "whilst",
});

constexpr std::array kConnectors = std::to_array<std::string_view>({
    "of", "and", "the", "for", "on", "in", "de", "del", "della", "da", "do", "dos", "das", "du", "des", "la",
    "le", "les", "al", "el", "bin", "ibn", "van", "von", "der", "den", "y", "upon", "am", "an", "di", "ul",
});

constexpr std::array kDirections = std::to_array<std::string_view>({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "greater",
    "upper", "lower", "downtown", "north east", "northeast", "northwest", "southeast", "southwest",
    "northeastern", "northwestern", "southeastern", "southwestern", "inner", "outer", "metropolitan",
});

constexpr std::array kCalendar = std::to_array<std::string_view>({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
});

// Titles as key sequences, longest first where prefixes overlap.
constexpr std::array kTitles = std::to_array<std::string_view>({
    "deputy prime minister", "first deputy prime minister", "prime minister", "foreign minister",
    "defence minister", "defense minister", "finance minister", "interior minister", "economy minister",
    "energy minister", "trade minister", "justice minister", "health minister", "education minister",
    "deputy foreign minister", "deputy minister", "minister", "secretary of state", "secretary general",
    "under secretary", "deputy secretary", "secretary", "vice president", "president", "president elect",
    "chancellor", "king", "queen", "prince", "princess", "crown prince", "emperor", "sultan", "emir", "sheikh",
    "dr", "mr", "mrs", "ms", "sir", "dame", "lord", "lady", "general", "gen", "lieutenant general",
    "major general", "brigadier general", "lt", "col", "colonel", "captain", "capt", "major", "maj",
    "sergeant", "sgt", "admiral", "adm", "commander", "senator", "sen", "representative", "rep",
    "congressman", "congresswoman", "governor", "gov", "mayor", "ambassador", "envoy", "special envoy",
    "special representative", "pope", "ayatollah", "supreme leader", "imam", "rabbi", "bishop", "archbishop",
    "cardinal", "patriarch", "father", "reverend", "rev", "judge", "justice", "chief justice", "professor",
    "prof", "speaker", "premier", "chairman", "chairwoman", "chairperson", "chair", "ceo", "chief executive",
    "director", "director general", "spokesman", "spokeswoman", "spokesperson", "press secretary",
    "attorney general", "prosecutor", "prosecutor general", "commissioner", "high commissioner",
    "high representative", "opposition leader", "leader", "deputy", "akim", "hokim", "marshal", "field marshal",
});

constexpr std::array kOrgHeads = std::to_array<std::string_view>({
    "ministry", "council", "times", "post", "agency", "bank", "union", "organization", "organisation", "party",
    "army", "forces", "force", "committee", "university", "institute", "company", "corporation", "corp", "inc",
    "ltd", "llc", "plc", "gmbh", "group", "association", "commission", "parliament", "assembly", "court",
    "fund", "foundation", "service", "services", "department", "office", "authority", "guard", "news", "press",
    "network", "airlines", "airways", "railways", "railway", "exchange", "coalition", "alliance", "front",
    "movement", "congress", "senate", "cabinet", "government", "bureau", "board", "centre", "center", "club",
    "society", "federation", "league", "church", "brigade", "brigades", "battalion", "command", "navy",
    "journal", "herald", "tribune", "gazette", "telegraph", "radio", "television", "broadcasting", "media",
    "holdings", "holding", "industries", "petroleum", "motors", "systems", "technologies", "partners", "trust",
    "secretariat", "directorate", "chamber", "consortium", "institution", "academy", "school", "college",
    "hospital", "museum", "observatory", "watch", "international", "duma", "majlis", "mejlis", "knesset",
    "rada", "legislature", "police", "ministries", "councils", "organizations", "monitor", "daily", "weekly",
    "review", "post-dispatch", "inquirer", "chronicle", "reuters", "kazinform", "tass", "xinhua", "mission",
    "communications", "nations", "cross", "crescent", "airport", "port", "energy", "oil", "gas",
});

constexpr std::array kMiscHeads = std::to_array<std::string_view>({
    "route", "corridor", "pipeline", "initiative", "program", "programme", "agreement", "accord", "accords",
    "treaty", "summit", "forum", "conference", "declaration", "convention", "protocol", "plan", "project",
    "games", "olympics", "cup", "championship", "war", "festival", "expo", "strategy", "doctrine", "act",
    "process", "format", "dialogue", "award", "prize", "charter", "compact", "memorandum", "framework",
    "highway", "railroad", "bridge", "canal", "dam", "tunnel", "line", "operation", "crisis", "revolution",
});

constexpr std::array kPlaceTakingHeads = std::to_array<std::string_view>({
    "bank", "university", "college", "council", "church", "museum", "institute", "school", "academy",
    "chamber", "port", "airport",
});

constexpr std::array kGivenNames = std::to_array<std::string_view>({
    // English and European
    "aaron", "adam", "annie", "tony", "ash", "joe", "kamala", "marco", "antonio", "luiz", "jake", "kristi",
    "pete", "tulsi", "kash", "elon", "rex", "mitch", "chuck", "ted", "nikki", "lindsey", "kevin", "hakeem", "bernie",
    "jared", "ivanka", "melania", "hunter", "beau", "jill", "doug", "mike", "mick", "keith", "gavin", "greg", "ron", "adrian", "alan", "albert", "alex", "alexander", "alexandra", "alice", "alison", "amanda",
    "amy", "andrea", "andrew", "angela", "angelina", "ann", "anna", "anne", "anthony", "antonio", "antony",
    "barack", "barbara", "ben", "benjamin", "bernard", "bernie", "bill", "bob", "boris", "brian", "bruce",
    "carl", "carlos", "caroline", "catherine", "charles", "chris", "christian", "christina", "christine",
    "christopher", "claire", "claude", "colin", "daniel", "david", "dennis", "diana", "donald", "douglas",
    "edward", "elizabeth", "ellen", "emily", "emma", "emmanuel", "eric", "francesco", "francis", "frank",
    "friedrich", "gary", "george", "georgia", "gerhard", "giorgia", "hans", "harry", "heinz", "helen", "henry",
    "hillary", "ian", "jack", "jacques", "james", "jane", "janet", "jason", "jean", "jeff", "jeffrey",
    "jennifer", "jens", "jeremy", "jessica", "jim", "joe", "johann", "john", "jonathan", "jose", "joseph",
    "josep", "juan", "julia", "julian", "justin", "karen", "karl", "kate", "katherine", "keir", "kevin",
    "kristalina", "kamala", "larry", "laura", "lisa", "lloyd", "luis", "marco", "margaret", "maria", "marie",
    "mark", "martin", "mary", "matthew", "michael", "michel", "michelle", "mike", "nancy", "nicholas", "nicola",
    "nicolas", "olaf", "olivier", "pat", "patrick", "paul", "pedro", "peter", "philip", "pierre", "rachel",
    "ralph", "rebecca", "richard", "rishi", "robert", "roger", "ron", "ronald", "rose", "ruth", "sam", "samuel",
    "sarah", "scott", "sebastian", "sergio", "simon", "sophie", "stephen", "steve", "steven", "susan", "thomas",
    "tim", "timothy", "tom", "tony", "ursula", "victor", "viktor", "william", "antonio", "kaja", "josep",
    "emmanuel", "mette", "ulf", "jens", "mark", "charles", "liz", "theresa", "gordon", "hakan", "volker",
    // Russian, Ukrainian, Caucasus, Central Asia
    "aleksandr", "alexei", "alexey", "anatoly", "andrei", "andrey", "anton", "arkady", "dmitry", "dmitri",
    "evgeny", "yevgeny", "gennady", "igor", "ilham", "ivan", "kirill", "konstantin", "leonid", "maxim",
    "mikhail", "nikolai", "nikolay", "oleg", "pavel", "petro", "ramzan", "roman", "sergei", "sergey", "valentina",
    "valery", "vasily", "viktor", "vitali", "vladimir", "volodymyr", "vyacheslav", "yulia", "yuri", "yury",
    "andriy", "dmytro", "oleksandr", "oleksiy", "mykhailo", "nikol", "serzh", "robert",
    "ararat", "armen", "vahagn", "ruben", "tigran", "levon", "ilham", "jeyhun", "hikmet", "mehriban", "heydar",
    "elmar", "kassym", "kassym-jomart", "nursultan", "askar", "alikhan", "murat", "marat", "dariga", "karim",
    "yerlan", "yerzhan", "serik", "bakhyt", "bakytzhan", "nurlan", "timur", "daniyar", "aidos", "aibek",
    "almaz", "sadyr", "kamchybek", "akylbek", "emomali", "rustam", "shavkat", "islam", "abdulla", "gurbanguly",
    "serdar", "saparmurat", "sooronbay", "almazbek", "irakli", "mikheil", "salome", "bidzina",
    "giorgi", "nika", "aleksandre", "alexander", "maia", "tina", "gulnara", "aliya", "aigerim", "dinara",
    "madina", "saule", "zhanna", "svetlana", "tatiana", "tatyana", "olga", "elena", "irina", "natalia",
    "natalya", "marina", "ekaterina", "yekaterina", "anastasia", "galina", "lyudmila", "ludmila", "vera",
    "nadezhda", "alexandr", "alyaksandr", "sviatlana", "maia", "recep", "mevlut", "hakan",
    "binali", "kemal", "ahmet", "mehmet", "mustafa",
    // Arabic, Persian, South Asian, East Asian
    "abdel", "abdul", "abdullah", "abu", "ahmad", "ahmed", "ali", "amir", "ashraf", "bashar", "benjamin",
    "ebrahim", "fatima", "hamad", "hasan", "hassan", "hossein", "hussein", "ibrahim", "ismail", "jamal",
    "khalid", "khaled", "mahmoud", "masoud", "mohamed", "mohammad", "mohammed", "muhammad", "mujtaba", "nasser",
    "omar", "osama", "qasem", "saad", "salman", "saud", "tamim", "yahya", "yasser", "yousef", "yusuf", "abbas",
    "naftali", "yair", "isaac", "benny", "itamar", "bezalel", "narendra", "rahul", "imran", "nawaz", "shehbaz",
    "asif", "sheikh", "xi", "li", "wang", "kim", "moon", "yoon", "shinzo", "fumio", "shigeru", "yoshihide",
    "jae", "lee", "rodrigo", "ferdinand", "joko", "prabowo", "anwar", "hun", "min", "aung", "suu",
    // Latin America and Africa
    "luiz", "inacio", "jair", "javier", "gustavo", "andres", "manuel", "nicolas", "claudia", "gabriel",
    "alberto", "cristina", "dilma", "evo", "hugo", "raul", "fidel", "miguel", "jorge", "felipe", "cyril",
    "jacob", "nelson", "thabo", "paul", "uhuru", "william", "abiy", "bola", "muhammadu", "yoweri", "emmerson",
    "paul", "macky", "bassirou", "alassane", "felix", "denis",
});

constexpr std::array kSurnameSuffixes = std::to_array<std::string_view>({
    "yan", "ian", "ov", "ova", "ev", "eva", "yev", "yeva", "enko", "chenko", "yuk", "sky",
    "ski", "skiy", "skaya", "shvili", "dze", "uly", "kyzy", "ogly", "oglu", "zade", "escu", "ovich", "evich",
    "ovic", "evic", "ić", "ich", "ayev", "iyev", "bekov", "baev", "bayev",
});

constexpr std::array kPortfolioWords = std::to_array<std::string_view>({
    "health", "defense", "defence", "foreign", "affairs", "finance", "interior", "justice", "education",
    "agriculture", "energy", "economy", "economic", "trade", "labor", "labour", "transport", "culture", "state",
    "homeland", "security", "environment", "commerce", "industry", "emergency", "situations", "internal",
    "public", "works", "development", "digital", "science", "higher", "national", "social", "welfare",
    "information", "communications", "tourism", "sport", "sports", "youth", "water", "resources", "natural",
    "foreign affairs", "treasury", "war", "navy", "fisheries", "food", "rural", "urban", "housing",
});

constexpr std::array kOrgAcronyms = std::to_array<std::string_view>({
    "NATO", "OSCE", "UN", "EU", "CSTO", "SCO", "OPEC", "IMF", "WHO", "BRICS", "ASEAN", "CIS", "EAEU", "EEU",
    "UNESCO", "UNICEF", "UNHCR", "UNDP", "UNSC", "UNGA", "FBI", "CIA", "NSA", "ISIL", "ISIS", "IAEA", "WTO",
    "OECD", "G7", "G20", "ICC", "ICJ", "ECB", "EBRD", "ADB", "AIIB", "CICA", "OIC", "GCC", "IOC", "FIFA",
    "UEFA", "NASA", "ESA", "KGB", "FSB", "SBU", "IRGC", "PKK", "YPG", "SDF", "HTS", "PLO", "CENTCOM", "CPC",
    "CCP", "BJP", "ANC", "BBC", "CNN", "AFP", "TASS", "RIA", "AP", "WFP", "FAO", "ILO", "IOM", "OHCHR",
    "UNRWA", "NSC", "DHS", "DOJ", "DOD", "EPA", "FDA", "SEC", "FED", "ECOWAS", "SADC", "AU", "OAS", "APEC",
    "TRACECA", "CAREC", "EDB", "IDB", "CAF", "WB", "USAID", "NGO",
});

constexpr std::array kNonOrgAcronyms = std::to_array<std::string_view>({
    "CEO", "CEOS", "CFO", "COO", "CTO", "GDP", "GNP", "AI", "TV", "LNG", "LPG", "CO2", "COVID", "PM", "AM",
    "UTC", "GMT", "OK", "ID", "HIV", "AIDS", "DNA", "RNA", "UFO", "USD", "EUR", "RUB", "KZT", "AZN", "AMD",
    "GBP", "JPY", "CNY", "IT", "VAT", "FDI", "IPO", "ETF", "SUV", "GPS", "USB", "PHD", "MP", "MPS", "SMS",
    "PDF", "FAQ", "VIP", "BC", "AD", "CE", "BCE", "EV", "EVS", "RD", "Q1", "Q2", "Q3", "Q4", "H1", "H2",
    "KM", "MW", "GW", "KW", "TWH", "MWH", "KWH", "BBL", "LLC", "PLC", "INC", "LTD", "CV", "I", "II", "III",
    "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XX", "XXI", "A", "AN",
    "THE", "OF", "AND", "FOR", "TO", "IN", "ON", "IS", "IT", "US", "WE", "NO", "YES", "NEW", "MR", "MRS",
    "MS", "DR", "ST", "PR", "HR", "QR", "URL", "HTML", "API", "PC", "ICT", "SME", "SMES", "ESG", "CBD",
    "NPT", "ICBM", "UAV", "UAVS", "IED", "RPG", "AK", "UK", "UAE", "USA", "USSR", "PRC", "DPRK", "DRC",
    "ROK", "RSA", "KSA", "TBD", "ETA", "FYI", "RSS", "NB", "PS", "OPINION", "UPDATE", "BREAKING", "LIVE",
    "VIDEO", "PHOTO", "PHOTOS", "WATCH", "READ", "MORE", "NEWS", "EXCLUSIVE", "ANALYSIS", "COMMENT", "FILE",
    "AP", "OS", "UN", "AUD", "CAD", "CHF", "NZD", "INR", "TRY", "UAH", "BYN", "UZS", "KGS", "TJS", "TMT", "IRR",
    "SAR", "AED", "QAR", "EGP", "NGN", "ZAR", "BRL", "MXN", "KRW", "HKD", "SGD", "EST", "PST", "CET", "CST",
});

constexpr std::array kCapitalCues = std::to_array<std::string_view>({
    "summit", "accord", "accords", "talks", "meeting", "meetings", "visit", "administration", "agreement",
    "deal", "declaration", "treaty", "conference", "negotiations", "consensus", "format", "process", "framework",
    "peace", "officials", "policymakers", "establishment", "insiders", "ceremony", "signing", "communique",
    "statement", "memorandum", "protocol", "round",
});

constexpr std::array kLocationPrepositions = std::to_array<std::string_view>({
    "in", "to", "from", "at", "near", "outside", "across", "around", "visited", "visit", "visiting", "toward",
    "towards", "via", "through", "into", "inside", "throughout", "within", "between", "and",
});

bool contains(const WordSet& set, std::string_view key) { return set.find(key) != set.end(); }

}  // namespace

bool is_function_word(std::string_view key) {
  static const WordSet set = make_set(kFunctionWords);
  return contains(set, key);
}

bool is_name_connector(std::string_view key) {
  static const WordSet set = make_set(kConnectors);
  return contains(set, key);
}

bool is_direction_word(std::string_view key) {
  static const WordSet set = make_set(kDirections);
  return contains(set, key);
}

bool is_calendar_word(std::string_view key) {
  static const WordSet set = make_set(kCalendar);
  return contains(set, key);
}

size_t match_title(const std::vector<Word>& words, size_t i) {
  // Titles are at most this many words ("first deputy prime minister").
  constexpr size_t kMaxTitleWords = 4;
  static const WordSet set = make_set(kTitles);
  std::string key;
  size_t best = 0;
  for (size_t n = 0; n < kMaxTitleWords && i + n < words.size(); ++n) {
    const Word& w = words[i + n];
    if (n > 0 && w.gap != Gap::kSpace) break;
    if (n > 0) key.push_back(' ');
    key += w.key;
    if (contains(set, key)) best = n + 1;
  }
  return best;
}

Head head_kind(std::string_view key) {
  static const WordSet org = make_set(kOrgHeads);
  static const WordSet misc = make_set(kMiscHeads);
  if (contains(org, key)) return Head::kOrganization;
  if (contains(misc, key)) return Head::kMisc;
  return Head::kNone;
}

bool head_takes_place(std::string_view key) {
  static const WordSet set = make_set(kPlaceTakingHeads);
  return contains(set, key);
}

bool is_given_name(std::string_view key) {
  static const WordSet set = make_set(kGivenNames);
  return contains(set, key);
}

bool has_surname_suffix(std::string_view key) {
  // A suffix must leave a stem of at least this many bytes ("Aliyev" yes, "Kiev" no).
  constexpr size_t kMinStem = 3;
  return std::any_of(kSurnameSuffixes.begin(), kSurnameSuffixes.end(), [&](std::string_view s) {
    return key.size() >= s.size() + kMinStem && key.ends_with(s);
  });
}

bool is_portfolio_word(std::string_view key) {
  static const WordSet set = make_set(kPortfolioWords);
  return contains(set, key);
}

bool is_org_acronym(std::string_view surface) {
  static const WordSet set = make_set(kOrgAcronyms);
  return contains(set, surface);
}

bool is_non_org_acronym(std::string_view surface) {
  static const WordSet set = make_set(kNonOrgAcronyms);
  return contains(set, surface);
}

bool is_capital_cue(std::string_view key) {
  static const WordSet set = make_set(kCapitalCues);
  return contains(set, key);
}

bool is_location_preposition(std::string_view key) {
  static const WordSet set = make_set(kLocationPrepositions);
  return contains(set, key);
}

}  // namespace caspian::kb::lexicon
