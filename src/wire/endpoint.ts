/** The OpenAI API a request came in on (the Anthropic surface is translated to chat). */
export type Endpoint = 'chat' | 'embeddings' | 'responses';
