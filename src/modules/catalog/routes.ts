import { Type } from '@sinclair/typebox';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import {
  Body,
  Cents,
  Currency,
  Id,
  IdParams,
  MultilineText,
  Sku,
  withProblems,
} from '../../platform/http/schemas.ts';
import type { CatalogService } from './service.ts';

const Tag = Type.String({
  pattern: '^#?[A-Za-z0-9_]{1,40}$',
  maxLength: 41,
  description: 'a hashtag, with or without #',
});
const Tags = Type.Array(Tag, { maxItems: 20 });
/** An absolute http(s) URL, or a path on this server (the demo images are `/demo/…`). */
const ImageUrl = Type.String({ maxLength: 2_000, pattern: '^(https?://[^\\s]+|/[^\\s]*)$' });

export const VariantSchema = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  title: Type.String(),
  priceCents: Type.Integer(),
  currency: Type.String(),
});
export const ProductSchema = Type.Object(
  {
    id: Type.String(),
    hostId: Type.String(),
    title: Type.String(),
    description: Type.String(),
    imageUrl: Type.Union([Type.String(), Type.Null()]),
    hashtags: Type.Array(Type.String()),
    variants: Type.Array(VariantSchema),
    createdAt: Type.String(),
  },
  { $id: 'Product' },
);

export function catalogRoutes(app: App, catalog: CatalogService): void {
  app.post(
    '/api/products',
    {
      config: { access: 'host' },
      schema: {
        tags: ['catalog'],
        summary: 'Create a product with its variants (host)',
        body: Body({
          title: Type.String({ minLength: 1, maxLength: 200 }),
          description: Type.Optional(MultilineText({ maxLength: 10_000 })),
          imageUrl: Type.Optional(ImageUrl),
          hashtags: Type.Optional(Tags),
          variants: Type.Array(
            Body({
              sku: Sku,
              title: Type.String({ minLength: 1, maxLength: 200 }),
              priceCents: Cents,
              currency: Currency,
            }),
            { minItems: 1, maxItems: 100 },
          ),
        }),
        response: withProblems({ 201: Type.Ref('Product') }),
      },
    },
    async (req, reply) => reply.code(201).send(await catalog.create(principalOf(req), req.body)),
  );

  app.get(
    '/api/products',
    {
      config: { access: 'public' },
      schema: {
        tags: ['catalog'],
        summary: 'List products, newest first; filter by hashtag or host',
        querystring: Type.Object(
          {
            tag: Type.Optional(Tag),
            host: Type.Optional(Id('user')),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: withProblems({ 200: Type.Array(Type.Ref('Product')) }),
      },
    },
    async (req) =>
      catalog.list({
        limit: req.query.limit,
        offset: req.query.offset,
        ...(req.query.tag ? { tag: req.query.tag } : {}),
        ...(req.query.host ? { hostId: req.query.host } : {}),
      }),
  );

  app.get(
    '/api/products/:id',
    {
      config: { access: 'public' },
      schema: {
        tags: ['catalog'],
        summary: 'One product',
        params: IdParams('product'),
        response: withProblems({ 200: Type.Ref('Product') }),
      },
    },
    async (req) => {
      const product = await catalog.get(req.params.id);
      if (!product) throw new AppError('not_found', 'Product not found');
      return product;
    },
  );

  app.patch(
    '/api/products/:id',
    {
      config: { access: 'host' },
      schema: {
        tags: ['catalog'],
        summary: 'Edit a product and the title or price of its variants (its host, or an admin)',
        params: IdParams('product'),
        body: Body({
          title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          description: Type.Optional(MultilineText({ maxLength: 10_000 })),
          imageUrl: Type.Optional(Type.Union([ImageUrl, Type.Null()])),
          hashtags: Type.Optional(Tags),
          variants: Type.Optional(
            Type.Array(
              Body({
                sku: Sku,
                title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
                priceCents: Type.Optional(Cents),
              }),
              { maxItems: 100 },
            ),
          ),
        }),
        response: withProblems({ 200: Type.Ref('Product') }),
      },
    },
    async (req) => catalog.update(principalOf(req), req.params.id, req.body),
  );
}
