// Words that carry no topic: English function words, and the words people use to ask for a reply's form
// ("write three paragraphs", "explain briefly"). What remains of a request is what it is about.

const FUNCTION_WORDS =
  'a about above after again against all almost also am an and any are around as at be because been before being ' +
  'below between both but by can could did do does doing done down during each either else enough etc even ever ' +
  'every few for from further get gets getting got had has have having he her here hers herself him himself his how ' +
  'however i if in into is it its itself just least less let like lot lots many may me might mine more most much ' +
  'must my myself near neither never no nor not now of off often on once one only onto or other others otherwise ' +
  'our ours ourselves out over own per perhaps please quite rather really same shall she should since so some ' +
  'something such than that the their theirs them themselves then there these they thing things this those though ' +
  'through thus to too toward towards under until up upon us very via was we well were what whatever when where ' +
  'whether which while who whom whose why will with within without would yes yet you your yours yourself ' +
  'yourselves hi hello hey thanks thank ok okay sure going';

const REQUEST_WORDS =
  'write writing written explain explaining describe describing tell give list summarise summarize summary ' +
  'outline discuss discussing compose draft generate create produce make provide show answer answers reply ' +
  'respond question questions ask asked help want need know think understand say said please kindly ' +
  'paragraph paragraphs sentence sentences word words line lines page pages essay essays article articles ' +
  'story poem bullet bullets point points item items brief briefly short shortly long longer lengthy detailed ' +
  'detail details concise concisely quick quickly simple simply depth thorough thoroughly comprehensive full ' +
  'overview introduction single couple few several two three four five six seven eight nine ten eleven twelve ' +
  'fifteen twenty thirty forty fifty hundred first second third last next using use based main key top best ' +
  'good great new way ways reasons reason tips tip ideas idea examples example steps step json format response';

/** Words that say nothing about the subject of a text (for embeddings). */
export const FUNCTION_WORD_SET: ReadonlySet<string> = new Set(FUNCTION_WORDS.split(' '));

/** Words that say nothing about the subject of a request (for choosing its topics). */
export const STOPWORDS: ReadonlySet<string> = new Set(`${FUNCTION_WORDS} ${REQUEST_WORDS}`.split(' '));
