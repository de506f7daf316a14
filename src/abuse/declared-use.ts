// The use a customer declared at onboarding (the application's intended_use; declared_use offline), read as the
// kind of product it describes, so that observed behaviour can be held against it. Declaring a use never clears
// a customer: a declaration that explains broad single-turn answers only keeps that behaviour from counting
// against it alone, and one that cannot explain what is observed is evidence.

export type DeclaredKind =
  | 'answers'
  | 'research_education'
  | 'writing'
  | 'classification'
  | 'translation'
  | 'summarisation'
  | 'support'
  | 'coding'
  | 'automation'
  | 'test_data';

// Checked in order: the first kind whose words a declaration uses is its kind.
const KINDS: Array<[DeclaredKind, RegExp]> = [
  ['test_data', /synthetic (test )?data|test data|fixtures|testdaten/i],
  ['translation', /translat|locali[sz]|übersetz|traduc|翻译|翻訳/i],
  ['classification', /classif|routing|tagging|sentiment|moderation|triage|labell?ing|extraction|klassifi/i],
  ['summarisation', /summari[sz](e|ation|ing)|summaries of|digest|zusammenfass|résumés? d|摘要|要約/i],
  ['coding', /\bcode\b|coding|developer|\bide\b|programming|software engineering/i],
  ['automation', /agent|automation|workflow|tool calls?/i],
  ['support', /support|helpdesk|help desk|customer service|kundenservice|客服/i],
  [
    'answers',
    /answer|\bsearch|q ?& ?a|question|knowledge|faq|ask[- ]anything|assistant|chat|suche|búsqueda|recherche|搜索|検索|问答/i,
  ],
  ['research_education', /research|literature|analyst|tutor|homework|educat|course|exam|student|learning|study/i],
  ['writing', /copy|marketing|blog|article|content|writ|descriptions|newsletter|draft/i],
];

/** The kind of product a declaration describes; undefined when there is none or it names no known kind. */
export function declaredKind(text: string | undefined): DeclaredKind | undefined {
  if (!text) return undefined;
  return KINDS.find(([, words]) => words.test(text))?.[0];
}

/** Kinds of product whose traffic may well be one question and one long answer, over many subjects. */
const ONE_SHOT_PRODUCTS = new Set<DeclaredKind>(['answers', 'research_education', 'writing']);

/** Kinds whose traffic does not draw long generated answers (short labels, transformed input, conversations, tools). */
export const contradictsOneShotAnswers = (kind: DeclaredKind | undefined) =>
  kind !== undefined && !ONE_SHOT_PRODUCTS.has(kind);
