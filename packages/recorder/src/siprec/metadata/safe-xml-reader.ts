// A hardened XML reader for SIPREC metadata bodies (RFC 7866 §9, RFC 7865 §9).
//
// Metadata arrives from the network inside INVITE/UPDATE bodies, so the reader refuses everything
// that makes XML dangerous or expensive before fast-xml-parser sees it:
//   - any `<!DOCTYPE` / `<!ENTITY` (no internal subset, no external entity, no billion laughs);
//   - bodies larger than a cap (RFC 7866 bodies are a few KiB; 256 KiB is generous);
//   - nesting deeper than a cap and more elements than a cap.
// Entities are never expanded by the parser (processEntities: false); this module decodes only the
// five predefined entities and numeric character references itself, which cannot grow the text.
//
// The output is a small namespace-resolved element tree that keeps each element's character span
// in the source, so vendor extensions can be kept verbatim.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SiprecMetadataError } from './siprec-metadata-error.js';

export interface XmlReadLimits {
  /** Largest body accepted, in bytes (UTF-8) . */
  readonly maxBytes: number;
  /** Deepest element nesting accepted (the root is depth 1). */
  readonly maxDepth: number;
  /** Most elements accepted in one document. */
  readonly maxElements: number;
}

export const DEFAULT_XML_READ_LIMITS: XmlReadLimits = Object.freeze({
  maxBytes: 256 * 1024,
  maxDepth: 32,
  maxElements: 10_000,
});

export interface XmlElement {
  /** The name as written, with its prefix (`tns:participant`). */
  readonly qualifiedName: string;
  readonly localName: string;
  /** Namespace URI resolved from the in-scope `xmlns` declarations; undefined when none applies. */
  readonly namespace: string | undefined;
  /** Attribute values, entity-decoded, keyed by the name as written (`xml:lang`, `participant_id`). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated direct character data (text and CDATA), entity-decoded, untrimmed. */
  readonly text: string;
  /** Character span of the element in `XmlDocument.source` (end exclusive). */
  readonly start: number;
  readonly end: number;
}

export interface XmlDocument {
  /** The decoded document text the element spans refer to. */
  readonly source: string;
  readonly root: XmlElement;
}

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const TEXT_KEY = '#text';
const CDATA_KEY = '#cdata';
const ATTRIBUTES_KEY = ':@';

// Case-insensitive: `<!doctype` is not XML, but a lenient parser somewhere downstream might accept it.
const DECLARATION_PATTERN = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;

/** Decode bytes as the XML 1.0 §4.3.3 autodetection allows for a BOM: UTF-8 (default) or UTF-16. */
function decodeXmlBytes(bytes: Uint8Array): string {
  const b0 = bytes[0];
  const b1 = bytes[1];
  let encoding = 'utf-8';
  if (b0 === 0xfe && b1 === 0xff) encoding = 'utf-16be';
  else if (b0 === 0xff && b1 === 0xfe) encoding = 'utf-16le';
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new SiprecMetadataError('XML_ENCODING', `metadata body is not valid ${encoding} text`);
  }
}

function byteLengthOf(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/**
 * Decode the predefined entities and character references (XML 1.0 §4.1, §4.6). Anything else is
 * left as written: the parser never learns user-defined entities, so nothing can expand.
 */
export function decodeXmlCharacterReferences(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const codePoint = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      const valid =
        codePoint === 0x9 ||
        codePoint === 0xa ||
        codePoint === 0xd ||
        (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
        (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
        (codePoint >= 0x10000 && codePoint <= 0x10ffff);
      return valid ? String.fromCodePoint(codePoint) : whole;
    }
    return PREDEFINED_ENTITIES[ref] ?? whole;
  });
}

const parser = (maxDepth: number): XMLParser =>
  new XMLParser({
    preserveOrder: true,
    captureMetaData: true,
    processEntities: false,
    htmlEntities: false,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: CDATA_KEY,
    maxNestedTags: maxDepth,
  });

type RawNode = Record<string, unknown>;

interface Span {
  startIndex?: number;
  endIndex?: number;
}

function isRecord(value: unknown): value is RawNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nodeName(node: RawNode): string | undefined {
  return Object.keys(node).find((key) => key !== ATTRIBUTES_KEY);
}

function splitQualifiedName(name: string): { prefix: string | undefined; localName: string } {
  const colon = name.indexOf(':');
  if (colon < 0) return { prefix: undefined, localName: name };
  return { prefix: name.slice(0, colon), localName: name.slice(colon + 1) };
}

function collectText(children: unknown[]): string {
  let text = '';
  for (const child of children) {
    if (!isRecord(child)) continue;
    const raw = child[TEXT_KEY];
    if (typeof raw === 'string' || typeof raw === 'number') {
      text += decodeXmlCharacterReferences(String(raw));
      continue;
    }
    const cdata = child[CDATA_KEY];
    if (Array.isArray(cdata)) {
      for (const part of cdata) {
        // CDATA content is literal: no reference decoding.
        if (isRecord(part) && typeof part[TEXT_KEY] === 'string') text += part[TEXT_KEY];
      }
    }
  }
  return text;
}

interface BuildContext {
  readonly limits: XmlReadLimits;
  readonly metaSymbol: symbol;
  elementCount: number;
}

function buildElement(
  node: RawNode,
  name: string,
  scope: ReadonlyMap<string, string>,
  depth: number,
  context: BuildContext,
): XmlElement {
  context.elementCount += 1;
  if (context.elementCount > context.limits.maxElements) {
    throw new SiprecMetadataError(
      'XML_TOO_MANY_ELEMENTS',
      `metadata has more than ${context.limits.maxElements} elements`,
    );
  }
  if (depth > context.limits.maxDepth) {
    throw new SiprecMetadataError(
      'XML_TOO_DEEP',
      `metadata nests deeper than ${context.limits.maxDepth}`,
    );
  }
  const rawAttributes = node[ATTRIBUTES_KEY];
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  let innerScope: Map<string, string> | undefined;
  if (isRecord(rawAttributes)) {
    for (const [key, value] of Object.entries(rawAttributes)) {
      const decoded = decodeXmlCharacterReferences(String(value));
      attributes[key] = decoded;
      if (key === 'xmlns' || key.startsWith('xmlns:')) {
        innerScope ??= new Map(scope);
        innerScope.set(key === 'xmlns' ? '' : key.slice(6), decoded);
      }
    }
  }
  const elementScope = innerScope ?? scope;
  const { prefix, localName } = splitQualifiedName(name);
  const namespace = prefix === 'xml' ? XML_NAMESPACE : elementScope.get(prefix ?? '') || undefined;
  const rawChildren = node[name];
  const childNodes = Array.isArray(rawChildren) ? (rawChildren as unknown[]) : [];
  const children: XmlElement[] = [];
  for (const child of childNodes) {
    if (!isRecord(child)) continue;
    const childName = nodeName(child);
    if (childName === undefined || childName === TEXT_KEY || childName === CDATA_KEY) continue;
    children.push(buildElement(child, childName, elementScope, depth + 1, context));
  }
  const span = (node as Record<symbol, Span | undefined>)[context.metaSymbol];
  return {
    qualifiedName: name,
    localName,
    namespace,
    attributes,
    children,
    text: collectText(childNodes),
    start: span?.startIndex ?? 0,
    end: span?.endIndex ?? 0,
  };
}

function countStartTags(source: string): number {
  let count = 0;
  for (let i = source.indexOf('<'); i >= 0; i = source.indexOf('<', i + 1)) {
    const next = source.charCodeAt(i + 1);
    const isNameStart =
      (next >= 0x41 && next <= 0x5a) ||
      (next >= 0x61 && next <= 0x7a) ||
      next === 0x5f ||
      next > 0x7f;
    if (isNameStart) count += 1;
  }
  return count;
}

/**
 * Read one XML document under the given limits. Throws only `SiprecMetadataError`.
 * RFC 7866 §9: the metadata body is a single XML document with one root element.
 */
export function readSafeXmlDocument(
  input: string | Uint8Array,
  limits: XmlReadLimits = DEFAULT_XML_READ_LIMITS,
): XmlDocument {
  const inputBytes = typeof input === 'string' ? byteLengthOf(input) : input.byteLength;
  if (inputBytes > limits.maxBytes) {
    throw new SiprecMetadataError(
      'XML_TOO_LARGE',
      `metadata body of ${inputBytes} bytes exceeds ${limits.maxBytes}`,
    );
  }
  let source = typeof input === 'string' ? input : decodeXmlBytes(input);
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  if (DECLARATION_PATTERN.test(source)) {
    throw new SiprecMetadataError('XML_DOCTYPE', 'DOCTYPE and ENTITY declarations are refused');
  }

  // Cheap upper bound first: every element starts with `<` and a name character. Refusing here
  // saves the parse of a body stuffed with tiny elements (it costs ~0.5 s at 256 KiB).
  if (countStartTags(source) > limits.maxElements) {
    throw new SiprecMetadataError(
      'XML_TOO_MANY_ELEMENTS',
      `metadata has more than ${limits.maxElements} elements`,
    );
  }

  let parsed: unknown;
  try {
    parsed = parser(limits.maxDepth).parse(source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/nested tags/i.test(message)) {
      throw new SiprecMetadataError(
        'XML_TOO_DEEP',
        `metadata nests deeper than ${limits.maxDepth}`,
      );
    }
    throw new SiprecMetadataError('XML_MALFORMED', `metadata is not well-formed XML: ${message}`);
  }
  let validation: ReturnType<typeof XMLValidator.validate>;
  try {
    validation = XMLValidator.validate(source, { allowBooleanAttributes: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SiprecMetadataError('XML_MALFORMED', `metadata is not well-formed XML: ${message}`);
  }
  if (validation !== true) {
    const { msg, line } = validation.err;
    throw new SiprecMetadataError(
      'XML_MALFORMED',
      `metadata is not well-formed XML (line ${line}): ${msg}`,
    );
  }

  const topLevel = Array.isArray(parsed) ? (parsed as unknown[]) : [];
  const rootNodes: { node: RawNode; name: string }[] = [];
  for (const node of topLevel) {
    if (!isRecord(node)) continue;
    const name = nodeName(node);
    if (name === undefined) continue;
    if (name === TEXT_KEY) {
      if (String(node[TEXT_KEY]).trim() !== '') {
        throw new SiprecMetadataError('XML_MALFORMED', 'text outside the root element');
      }
      continue;
    }
    if (name === CDATA_KEY) {
      throw new SiprecMetadataError('XML_MALFORMED', 'CDATA outside the root element');
    }
    rootNodes.push({ node, name });
  }
  const first = rootNodes[0];
  if (first === undefined || rootNodes.length !== 1) {
    throw new SiprecMetadataError(
      'XML_MALFORMED',
      `an XML document has exactly one root element, found ${rootNodes.length}`,
    );
  }
  const context: BuildContext = {
    limits,
    metaSymbol: XMLParser.getMetaDataSymbol() as symbol,
    elementCount: 0,
  };
  const scope = new Map<string, string>();
  return { source, root: buildElement(first.node, first.name, scope, 1, context) };
}
