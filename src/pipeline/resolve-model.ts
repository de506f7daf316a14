// Stage: the public model name (or alias) to its catalogue entry.
import { GatewayError } from '../errors.ts';
import type { Catalogue } from '../routing/catalogue.ts';
import type { Stage } from './context.ts';

export function resolveModel(catalogue: Pick<Catalogue, 'resolve'>): Stage {
  return (ctx) => {
    const name = ctx.body!.model as string;
    const model = catalogue.resolve(name);
    if (!model)
      throw new GatewayError('model_not_found', `The model '${name}' does not exist or you do not have access to it.`, {
        param: 'model',
      });
    const wanted = ctx.endpoint === 'embeddings' ? 'embedding' : 'chat'; // chat and responses both need a chat model
    if (model.kind !== wanted) {
      throw new GatewayError(
        'model_not_supported',
        `The model '${name}' is ${model.kind === 'embedding' ? 'an embedding' : 'a chat'} model and cannot serve this endpoint.`,
        { param: 'model' },
      );
    }
    ctx.model = model;
  };
}
