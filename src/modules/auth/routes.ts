import { Type } from '@sinclair/typebox';
import { AppError } from '../../platform/errors.ts';
import { actorOf, principalOf } from '../../platform/http/access.ts';
import type { App } from '../../platform/http/app-type.ts';
import { Body, Id, withProblems } from '../../platform/http/schemas.ts';
import type { AuthService } from './service.ts';
import { ROLES } from './tokens.ts';

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    name: Type.String(),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    guest: Type.Boolean(),
    suspended: Type.Boolean(),
    createdAt: Type.String(),
  },
  { $id: 'User' },
);
const Session = Type.Object({ user: Type.Ref('User'), token: Type.String() });
const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: 8, maxLength: 200 });
const AUTH_LIMIT = { points: 10, windowSeconds: 60, by: 'ip' } as const;

export function authRoutes(app: App, auth: AuthService): void {
  app.post(
    '/api/auth/register',
    {
      config: { access: 'public', rateLimit: AUTH_LIMIT },
      schema: {
        tags: ['auth'],
        summary: 'Create an account (buyer)',
        body: Body({ email: Email, password: Password, name: Type.String({ minLength: 1, maxLength: 80 }) }),
        response: withProblems({ 201: Session }),
      },
    },
    async (req, reply) => reply.code(201).send(await auth.register(req.body)),
  );

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', rateLimit: AUTH_LIMIT },
      schema: {
        tags: ['auth'],
        summary: 'Sign in',
        body: Body({ email: Email, password: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: withProblems({ 200: Session }),
      },
    },
    async (req) => auth.login(req.body.email, req.body.password),
  );

  app.post(
    '/api/auth/guest',
    {
      config: { access: 'public', rateLimit: { points: 30, windowSeconds: 60, by: 'ip' } },
      schema: {
        tags: ['auth'],
        summary: 'Continue as a guest: a buyer token without an account',
        response: withProblems({ 201: Session }),
      },
    },
    async (_req, reply) => reply.code(201).send(await auth.guest()),
  );

  app.get(
    '/api/me',
    {
      config: { access: 'user' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        response: withProblems({ 200: Type.Ref('User') }),
      },
    },
    async (req) => {
      const user = await auth.get(principalOf(req).id);
      if (!user) throw new AppError('invalid_token', 'This account no longer exists');
      return user;
    },
  );

  app.post(
    '/api/me/password',
    {
      config: { access: 'user', rateLimit: { points: 5, windowSeconds: 60, by: 'user' } },
      schema: {
        tags: ['auth'],
        summary: 'Change your password: every other token of yours stops working; a fresh one is returned',
        description: '401 invalid_credentials when currentPassword is wrong; 403 forbidden for a guest.',
        body: Body({ currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Password }),
        response: withProblems({ 200: Session }),
      },
    },
    async (req) => auth.changePassword(actorOf(req), req.body),
  );

  app.patch(
    '/api/users/:id',
    {
      config: { access: 'admin', stepUp: 'change_role' },
      schema: {
        tags: ['auth'],
        summary: "Change a user's role, or suspend them (admin)",
        description:
          "Takes effect at once: the user's tokens are refused and their sockets closed; they sign in " +
          'again (a suspended account cannot: 403 account_suspended). 403 self_change_forbidden on yourself; 403 step_up_required without a fresh Flashmob-Step-Up proof (POST /api/me/step-up).',
        params: Type.Object({ id: Id('user') }, { additionalProperties: false }),
        body: Type.Object(
          {
            role: Type.Optional(Type.Union(ROLES.map((r) => Type.Literal(r)))),
            suspended: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: withProblems({ 200: Type.Ref('User') }),
      },
    },
    async (req) => auth.updateAccount(actorOf(req), req.params.id, req.body),
  );
}
