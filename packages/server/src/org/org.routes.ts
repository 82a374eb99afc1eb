// Webex-shaped organisation resources: /v1/organizations, /v1/locations, /v1/people,
// /v1/workspaces, /v1/telephony/config/virtualLines and the call features of a location.
import {
  CALL_FEATURE_KINDS,
  CallFeature,
  CallFeatureCreate,
  CallFeatureUpdate,
  ErrorBody,
  IdParam,
  Location,
  LocationCreate,
  LocationList,
  LocationUpdate,
  OrgQuery,
  Organization,
  PagingQuery,
  PeopleQuery,
  Person,
  PersonCreate,
  PersonList,
  PersonUpdate,
  VirtualLine,
  VirtualLineCreate,
  VirtualLineList,
  VirtualLineUpdate,
  Workspace,
  WorkspaceCreate,
  WorkspaceList,
  WorkspaceUpdate,
  type CallFeatureKind,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf, setNextLink } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import { notFound } from '../errors.js';
import { findOrganizationById, listOrganizationsByPartner } from './organizations.repository.js';
import {
  changeLocation,
  createLocation,
  getLocation,
  listOrgLocations,
  removeLocation,
} from './locations.service.js';
import type { OrgDeps } from './org-deps.js';
import {
  changePerson,
  createPerson,
  getMe,
  getPerson,
  listOrgPeople,
  removePerson,
} from './people.service.js';
import {
  changeVirtualLine,
  changeWorkspace,
  createVirtualLine,
  createWorkspace,
  getVirtualLine,
  getWorkspace,
  listOrgVirtualLines,
  listOrgWorkspaces,
  removeVirtualLine,
  removeWorkspace,
} from './workspaces.service.js';
import {
  changeLocationFeature,
  createLocationFeature,
  getLocationFeature,
  listLocationFeatures,
  removeLocationFeature,
} from './call-features.service.js';

const errors = { '4xx': ErrorBody };
const DEFAULT_MAX = 100;

export function registerOrgRoutes(app: AppInstance, deps: OrgDeps): void {
  // Organisations ---------------------------------------------------------------------------
  app.get(
    '/v1/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Organizations the caller can act on',
        response: { 200: Type.Object({ items: Type.Array(Organization) }), ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const own = await findOrganizationById(deps.db, actor.homeOrgId);
      const managed =
        actor.roles.includes('partnerAdmin') && actor.partnerId
          ? await listOrganizationsByPartner(deps.db, actor.partnerId)
          : [];
      const all = [own, ...managed].filter((o) => o !== null);
      const unique = [
        ...new Map(
          all.map((o) => [o.id, { id: o.id, displayName: o.displayName, created: o.created }]),
        ).values(),
      ];
      return { items: unique };
    },
  );

  app.get(
    '/v1/organizations/:id',
    {
      schema: {
        tags: ['organizations'],
        params: IdParam,
        response: { 200: Organization, ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const org = await findOrganizationById(deps.db, request.params.id);
      const visible =
        org &&
        (org.id === actor.homeOrgId ||
          (actor.roles.includes('partnerAdmin') &&
            actor.partnerId !== null &&
            org.partnerId === actor.partnerId));
      if (!org || !visible) throw notFound('Organization');
      return { id: org.id, displayName: org.displayName, created: org.created };
    },
  );

  // Locations -------------------------------------------------------------------------------
  app.get(
    '/v1/locations',
    {
      schema: {
        tags: ['locations'],
        querystring: Type.Object({
          ...OrgQuery,
          name: Type.Optional(Type.String({ maxLength: 80 })),
        }),
        response: { 200: LocationList, ...errors },
      },
    },
    async (request) => ({
      items: await listOrgLocations(deps, actorOf(request), request.query.name),
    }),
  );

  app.get(
    '/v1/locations/:id',
    {
      schema: {
        tags: ['locations'],
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        response: { 200: Location, ...errors },
      },
    },
    async (request) => getLocation(deps, actorOf(request), request.params.id),
  );

  app.post(
    '/v1/locations',
    {
      schema: {
        tags: ['locations'],
        querystring: Type.Object(OrgQuery),
        body: LocationCreate,
        response: { 200: Location, ...errors },
      },
    },
    async (request) => createLocation(deps, actorOf(request), request.body),
  );

  app.put(
    '/v1/locations/:id',
    {
      schema: {
        tags: ['locations'],
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        body: LocationUpdate,
        response: { 200: Location, ...errors },
      },
    },
    async (request) => changeLocation(deps, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/locations/:id',
    {
      schema: {
        tags: ['locations'],
        summary:
          'Delete an empty location (LOCATION_IN_USE while people, workspaces, virtual lines or call features are in it)',
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await removeLocation(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // People ----------------------------------------------------------------------------------
  app.get(
    '/v1/people',
    {
      schema: {
        tags: ['people'],
        summary:
          'List people; filter by email, displayName (prefix) or locationId; page with max and the Link header',
        querystring: Type.Object({ ...OrgQuery, ...PagingQuery, ...PeopleQuery.properties }),
        response: { 200: PersonList, ...errors },
      },
    },
    async (request, reply) => {
      const { max, cursor, email, displayName, locationId } = request.query;
      const page = await listOrgPeople(deps, actorOf(request), {
        email,
        displayName,
        locationId,
        cursor,
        max: max ?? DEFAULT_MAX,
      });
      setNextLink(request, reply, page.nextCursor);
      return { items: page.items };
    },
  );

  app.get(
    '/v1/people/me',
    {
      schema: { tags: ['people'], response: { 200: Person, ...errors } },
    },
    async (request) => getMe(deps, actorOf(request)),
  );

  app.get(
    '/v1/people/:id',
    {
      schema: {
        tags: ['people'],
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        response: { 200: Person, ...errors },
      },
    },
    async (request) => getPerson(deps, actorOf(request), request.params.id),
  );

  app.post(
    '/v1/people',
    {
      schema: {
        tags: ['people'],
        querystring: Type.Object(OrgQuery),
        body: PersonCreate,
        response: { 200: Person, ...errors },
      },
    },
    async (request) => createPerson(deps, actorOf(request), request.body),
  );

  app.put(
    '/v1/people/:id',
    {
      schema: {
        tags: ['people'],
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        body: PersonUpdate,
        response: { 200: Person, ...errors },
      },
    },
    async (request) => changePerson(deps, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/people/:id',
    {
      schema: {
        tags: ['people'],
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await removePerson(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // Workspaces ------------------------------------------------------------------------------
  app.get(
    '/v1/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        querystring: Type.Object({
          ...OrgQuery,
          ...PagingQuery,
          displayName: Type.Optional(Type.String({ maxLength: 200 })),
          locationId: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: WorkspaceList, ...errors },
      },
    },
    async (request, reply) => {
      const { max, cursor, displayName, locationId } = request.query;
      const page = await listOrgWorkspaces(deps, actorOf(request), {
        displayName,
        locationId,
        cursor,
        max: max ?? DEFAULT_MAX,
      });
      setNextLink(request, reply, page.nextCursor);
      return { items: page.items };
    },
  );

  app.get(
    '/v1/workspaces/:id',
    {
      schema: {
        tags: ['workspaces'],
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        response: { 200: Workspace, ...errors },
      },
    },
    async (request) => getWorkspace(deps, actorOf(request), request.params.id),
  );

  app.post(
    '/v1/workspaces',
    {
      schema: {
        tags: ['workspaces'],
        querystring: Type.Object(OrgQuery),
        body: WorkspaceCreate,
        response: { 200: Workspace, ...errors },
      },
    },
    async (request) => createWorkspace(deps, actorOf(request), request.body),
  );

  app.put(
    '/v1/workspaces/:id',
    {
      schema: {
        tags: ['workspaces'],
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        body: WorkspaceUpdate,
        response: { 200: Workspace, ...errors },
      },
    },
    async (request) => changeWorkspace(deps, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/workspaces/:id',
    {
      schema: {
        tags: ['workspaces'],
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await removeWorkspace(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // Virtual lines ---------------------------------------------------------------------------
  app.get(
    '/v1/telephony/config/virtualLines',
    {
      schema: {
        tags: ['virtual lines'],
        querystring: Type.Object({
          ...OrgQuery,
          ...PagingQuery,
          name: Type.Optional(Type.String({ maxLength: 200 })),
          locationId: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          200: VirtualLineList,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { max, cursor, name, locationId } = request.query;
      const page = await listOrgVirtualLines(deps, actorOf(request), {
        name,
        locationId,
        cursor,
        max: max ?? DEFAULT_MAX,
      });
      setNextLink(request, reply, page.nextCursor);
      return { virtualLines: page.items, total: page.items.length };
    },
  );

  app.get(
    '/v1/telephony/config/virtualLines/:id',
    {
      schema: {
        tags: ['virtual lines'],
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        response: { 200: VirtualLine, ...errors },
      },
    },
    async (request) => getVirtualLine(deps, actorOf(request), request.params.id),
  );

  app.post(
    '/v1/telephony/config/virtualLines',
    {
      schema: {
        tags: ['virtual lines'],
        querystring: Type.Object(OrgQuery),
        body: VirtualLineCreate,
        response: { 200: VirtualLine, ...errors },
      },
    },
    async (request) => createVirtualLine(deps, actorOf(request), request.body),
  );

  app.put(
    '/v1/telephony/config/virtualLines/:id',
    {
      schema: {
        tags: ['virtual lines'],
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        body: VirtualLineUpdate,
        response: { 200: VirtualLine, ...errors },
      },
    },
    async (request) => changeVirtualLine(deps, actorOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/telephony/config/virtualLines/:id',
    {
      schema: {
        tags: ['virtual lines'],
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await removeVirtualLine(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  // Auto attendants, call queues, hunt groups -----------------------------------------------
  for (const kind of CALL_FEATURE_KINDS) registerCallFeatureRoutes(app, deps, kind);
}

function registerCallFeatureRoutes(app: AppInstance, deps: OrgDeps, kind: CallFeatureKind): void {
  const base = `/v1/telephony/config/locations/:locationId/${kind}`;
  const LocationParam = Type.Object({ locationId: Type.String({ minLength: 1, maxLength: 200 }) });
  const ItemParams = Type.Object({
    locationId: Type.String({ minLength: 1, maxLength: 200 }),
    id: Type.String({ minLength: 1, maxLength: 200 }),
  });
  const tags = [kind];

  app.get(
    base,
    {
      schema: {
        tags,
        params: LocationParam,
        querystring: Type.Object(OrgQuery),
        response: { 200: Type.Object({ [kind]: Type.Array(CallFeature) }), ...errors },
      },
    },
    async (request) => ({
      [kind]: await listLocationFeatures(deps, actorOf(request), request.params.locationId, kind),
    }),
  );

  app.get(
    `${base}/:id`,
    {
      schema: {
        tags,
        params: ItemParams,
        querystring: Type.Object(OrgQuery),
        response: { 200: CallFeature, ...errors },
      },
    },
    async (request) =>
      getLocationFeature(
        deps,
        actorOf(request),
        request.params.locationId,
        kind,
        request.params.id,
      ),
  );

  app.post(
    base,
    {
      schema: {
        tags,
        params: LocationParam,
        querystring: Type.Object(OrgQuery),
        body: CallFeatureCreate,
        response: { 200: CallFeature, ...errors },
      },
    },
    async (request) =>
      createLocationFeature(deps, actorOf(request), request.params.locationId, kind, request.body),
  );

  app.put(
    `${base}/:id`,
    {
      schema: {
        tags,
        params: ItemParams,
        querystring: Type.Object(OrgQuery),
        body: CallFeatureUpdate,
        response: { 200: CallFeature, ...errors },
      },
    },
    async (request) =>
      changeLocationFeature(
        deps,
        actorOf(request),
        request.params.locationId,
        kind,
        request.params.id,
        request.body,
      ),
  );

  app.delete(
    `${base}/:id`,
    {
      schema: {
        tags,
        params: ItemParams,
        querystring: Type.Object(OrgQuery),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await removeLocationFeature(
        deps,
        actorOf(request),
        request.params.locationId,
        kind,
        request.params.id,
      );
      return reply.status(204).send(null);
    },
  );
}
