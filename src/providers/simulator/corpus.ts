// The SIMULATOR's corpus: prose written for this project and released with it (no third-party text, nothing
// downloaded). Sentence templates take the request's topics: {T} is the main one, {U} a second one (or a general
// phrase when the request names only one), {G} a general noun. Templates never make a verb agree with a slot, so
// "harbours", "the CAP theorem" and "connection pooling" all read well in them.

/** First sentences of a reply or of an essay. */
export const OPENERS = [
  'When people talk about {T}, they usually begin with what it is for.',
  'It helps to start with a plain description of {T} before judging it.',
  'Any honest account of {T} has to begin with the people who depend on it.',
  'At first sight the subject of {T} looks simple, but the details repay a closer look.',
  'In short, there is more to {T} than its reputation suggests.',
  'Much of what is written about {T} repeats a few familiar ideas, and some of them hold up well.',
  'There are several ways to approach {T}, and the most useful one depends on the question being asked.',
  'A good way into {T} is to ask what would change if it were taken away.',
  'Few subjects reward patience as well as {T}.',
  'In broad terms, the point of {T} is to balance what is wanted against what is possible.',
];

/** Sentences that develop a point; most of a reply is made of these. */
export const BODY = [
  'The first thing to notice about {T} is how much it depends on {U}.',
  'In practice, the best results with {T} come when the people involved agree on what counts as success.',
  'A common mistake is to treat {T} as fixed, when in fact every season of use brings changes.',
  'Seen from a distance, {T} and {U} belong to the same story.',
  'The history of {T} is a history of small improvements rather than sudden leaps.',
  'Most of the difficulty lies not in {T} itself but in questions of {G}.',
  'Experienced hands will tell you that careful preparation pays off with {T}.',
  'One useful test is to look at {T} under pressure, with little room for {G}.',
  'Where there is success with {T}, it usually comes quietly, without anyone remarking on it.',
  'The link between {T} and {U} is older than most people realise.',
  'It is worth separating the promise of {T} from what it reliably delivers.',
  'Even a modest change in {G} can alter the way people understand {T}.',
  'Critics of {T} point to its cost, while its defenders point to its long record.',
  'Neither enthusiasm nor suspicion is a good guide to {T}; evidence is.',
  'Over time, the people closest to {T} have learned to measure it by its results.',
  'A careful observer will see the influence of {U} on {T} in ways that are easy to miss.',
  'Good examples of {T} share a few traits: clarity, patience and attention to {G}.',
  'The practical questions about {T} are where it happens, who pays for it and who benefits.',
  'Each generation rediscovers {T} and adds something of its own to it.',
  'The strongest argument for taking {T} seriously is the trouble caused by ignoring it.',
  'Nothing about {T} is entirely new, yet the present form of it would surprise earlier observers.',
  'With plenty of {G}, the work of {T} looks easy; without it, the real skill shows.',
  'It would be wrong to expect {T} to solve every problem, but some problems it handles very well.',
  'The details of {T} differ from place to place, while the underlying logic stays the same.',
  'Much depends on scale: what works for {T} in a small setting may fail in a large one.',
  'A second point concerns {U}, often the deciding factor in any judgement of {T}.',
  'Those who study {T} tend to agree on the facts and disagree about what they mean.',
  'The most reliable way to understand {T} is to watch it at work for a while.',
  'Discussions of {T} improve once they take {G} into account.',
  'There is a quiet discipline behind {T} that outsiders rarely see.',
  'Any plan that involves {T} should say plainly what it expects to gain.',
  'The relationship between {T} and {G} is one of give and take.',
  'It is tempting to simplify {T}, but the simple version leaves out what matters most.',
  'Looked at closely, the question of {U} is part of the answer rather than a separate matter.',
  'The value of {T} lies less in any single feature than in how the parts fit together.',
  'Over the long run, the rewards of {T} have gone to those who planned for {G}.',
  'A fair summary would call {T} useful, imperfect and still improving.',
  'What makes {T} interesting is the number of trade-offs hidden inside it.',
  'Questions about {T} rarely have one answer; they have better and worse ones.',
  'The limits of {T} are often set by {G} rather than by ambition.',
  'Plenty of careful work has gone into {T}, and most of it is invisible from outside.',
  'Changes to {T} tend to ripple outwards, touching {U} and much else besides.',
  'The same pattern appears again and again: progress with {T} comes fastest when feedback arrives quickly.',
  'A practical guide to {T} would spend as much time on {G} as on {T} itself.',
  'For a newcomer, the best advice about {T} is to begin small and keep notes.',
  'The case for {T} is strongest where people already understand {U} well.',
  'No description of {T} is complete without some mention of {G}.',
  'There is a difference between knowing about {T} and knowing how to do it well.',
  'The quiet successes of {T} teach more than its famous failures.',
  'Taken together, these points suggest giving {T} steady rather than dramatic attention.',
];

/** Last sentences of a reply or of an essay. */
export const CLOSERS = [
  'In the end, the best measure of {T} is what it makes possible.',
  'That, in short, is the case for paying attention to {T}.',
  'None of this is final, but it is a fair place to start thinking about {T}.',
  'Whatever comes next, {T} will remain part of the conversation.',
  'The lesson is simple: treat {T} with care and it tends to repay the effort.',
  'Seen this way, the study of {T} is less a puzzle than a craft to be learned.',
  'Those are the main points; the rest depends on circumstances.',
  'There is more to say about {T}, but these are the parts that matter most.',
];

/** Items of a list ("five reasons", "three tips"). */
export const LIST_ITEMS = [
  'Start with a clear picture of what {T} is meant to achieve.',
  'Pay attention to {U}, since everything else depends on it.',
  'Keep track of {G}, because the outcome depends on it more than expected.',
  'Compare {T} with the alternatives before committing to it.',
  'Ask the people closest to {T} what they would change.',
  'Expect the first attempt at {T} to teach more than it delivers.',
  'Write down what worked and what did not, and revisit it often.',
  'Watch the costs of {T} as closely as its benefits.',
  'Look for small improvements in {G} before attempting large ones.',
  'Remember that {T} and {U} influence each other.',
  'Test assumptions about {T} against real examples.',
  'Leave room for the unexpected; work on {T} rarely goes exactly to plan.',
];

/** DeepSeek-style visible reasoning, before the answer. */
export const REASONING = [
  'The question is about {T}.',
  'Let me think about what is actually being asked here.',
  'The main point seems to be {T}, with {U} as a related concern.',
  'I should check whether {G} would change the answer.',
  'A direct answer would cover the basics of {T} and why they matter.',
  'It might help to give an example involving {U}.',
  'I need to keep the answer to the length that was asked for.',
  'There is a risk of oversimplifying {T}, so I will mention a trade-off.',
  'So the answer should be clear, accurate and well organised.',
  'Let me also make sure the tone fits the question.',
];

/** General nouns for {G}: the setting every topic shares. */
export const GENERAL = [
  'time',
  'money',
  'attention',
  'trust',
  'experience',
  'local knowledge',
  'good records',
  'skilled labour',
  'the weather',
  'public opinion',
  'maintenance',
  'the wider economy',
  'training',
  'shared standards',
  'careful planning',
];

/** Stand-ins for {U} when the request names one topic. */
export const SECONDARY = [
  'the people who rely on it',
  'its everyday use',
  'the wider context',
  'its history',
  'the practical details',
  'the costs involved',
];

/** Topics when a request names none ("hello"). */
export const FALLBACK_TOPICS = ['this question', 'the matter at hand'];
