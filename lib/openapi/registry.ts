import 'server-only';
import { accountOperations } from './operations/account';
import { analyticsOperations } from './operations/analytics';
import { connectionOperations } from './operations/connections';
import { metricsOperations } from './operations/metrics';
import { prototypeCompatOperations } from './operations/prototype-compat';
import { documentOperations, systemOperations } from './operations/system';
import type { ApiOperation } from './types';

/**
 * Every documented route, in the document's order. A new route: describe it in
 * lib/openapi/operations/<area>.ts with the zod schemas it parses and answers with, and add its
 * list here, one line. tests/unit/openapi-coverage.test.ts fails while a route file is missing.
 */
export const API_OPERATIONS: readonly ApiOperation[] = [
  ...connectionOperations,
  ...analyticsOperations,
  ...accountOperations,
  ...systemOperations,
  ...documentOperations,
  ...metricsOperations,
  ...prototypeCompatOperations,
];
