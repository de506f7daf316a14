// Know-your-business declarations beyond the ownership tree: the people who own and run the company (screened, with
// dates of birth where known and whether they are politically exposed) and the documents that back the application.
import { z } from 'zod';

const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as "DE"');
const pastDate = z
  .string()
  .date('must be a date (YYYY-MM-DD)')
  .refine((d) => Date.parse(d) <= Date.now(), 'is in the future');

const person = {
  name: z.string().trim().min(2).max(300),
  date_of_birth: pastDate.optional(),
  nationality: country.optional(),
  /** A politically exposed person (or a family member or close associate of one): enhanced due diligence. */
  pep: z.boolean().default(false),
  /** The public function, for a reviewer. */
  pep_details: z.string().trim().min(3).max(500).optional(),
};

/** A natural person who ultimately owns or controls the company. */
export const beneficialOwnerSchema = z
  .object({
    ...person,
    country_of_residence: country.optional(),
    ownership_pct: z.number().gt(0).max(100).optional(),
    /** How the person controls the company when not (only) through shares, e.g. "appoints the board". */
    control: z.string().trim().min(3).max(300).optional(),
  })
  .strict();

export const directorSchema = z
  .object({
    ...person,
    role: z.string().trim().min(2).max(100).optional(),
  })
  .strict();

export const DOCUMENT_KINDS = [
  'certificate_of_incorporation',
  'register_extract',
  'shareholder_register',
  'ubo_declaration',
  'proof_of_address',
  'identity_document',
  'licence',
  'financial_statement',
  'other',
] as const;

/** A reference to a document the reviewer can look up (never the document itself). */
export const documentSchema = z
  .object({
    kind: z.enum(DOCUMENT_KINDS),
    reference: z.string().trim().min(1).max(300),
    issuer: z.string().trim().min(2).max(300).optional(),
    issued_on: pastDate.optional(),
    expires_on: z.string().date('must be a date (YYYY-MM-DD)').optional(),
  })
  .strict();

export const beneficialOwnersSchema = z
  .array(beneficialOwnerSchema)
  .max(100)
  .superRefine((owners, ctx) => {
    const total = owners.reduce((sum, o) => sum + (o.ownership_pct ?? 0), 0);
    if (total > 100.0001)
      ctx.addIssue({ code: 'custom', message: `ownership_pct adds up to ${total}%, more than 100%` });
  });

/** The KYB fields applications and operator-created organisations share. */
export const kybFields = {
  beneficial_owners: beneficialOwnersSchema.default([]),
  directors: z.array(directorSchema).max(100).default([]),
  documents: z.array(documentSchema).max(100).default([]),
};

export type BeneficialOwner = z.infer<typeof beneficialOwnerSchema>;
export type Director = z.infer<typeof directorSchema>;
export type KybDocument = z.infer<typeof documentSchema>;

export interface KybDeclarations {
  beneficial_owners?: BeneficialOwner[];
  directors?: Director[];
  documents?: KybDocument[];
}

/** The politically exposed people declared, each with the capacity they were declared in. */
export function politicallyExposed(
  d: KybDeclarations,
): Array<{ name: string; role: 'beneficial_owner' | 'director'; details?: string }> {
  return [
    ...(d.beneficial_owners ?? [])
      .filter((p) => p.pep)
      .map((p) => ({
        name: p.name,
        role: 'beneficial_owner' as const,
        ...(p.pep_details ? { details: p.pep_details } : {}),
      })),
    ...(d.directors ?? [])
      .filter((p) => p.pep)
      .map((p) => ({ name: p.name, role: 'director' as const, ...(p.pep_details ? { details: p.pep_details } : {}) })),
  ];
}

/** A reviewer's adverse-media note on a customer (what was reported, how serious, where). */
export const adverseMediaSchema = z
  .object({
    summary: z.string().trim().min(10, 'must say what was reported (at least 10 characters)').max(2000),
    severity: z.enum(['low', 'medium', 'high']),
    source_url: z.string().url().max(2000).optional(),
    published_on: pastDate.optional(),
  })
  .strict();
