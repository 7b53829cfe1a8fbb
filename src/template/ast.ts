// Our additions to nunjucks' AST, and small typed accessors for its nodes: the node kinds our parser and compiler
// create (a slice, the wrappers that give a condition or a loop Python's meaning, generated code).
import { nodes, type AstNode, type NodeClass } from './nunjucks-internals.js';

const base = nodes['Node']!;

/** `x[start:stop:step]`, any part may be null. */
export const PySlice: NodeClass = base.extend('PySlice', { fields: ['start', 'stop', 'step'] });
/** A condition tested with Python's truth. */
export const PyBool: NodeClass = base.extend('PyBool', { fields: ['target'] });
/** What a single-name `for` loop walks (a dict's keys). */
export const PyIter: NodeClass = base.extend('PyIter', { fields: ['target'] });
/** Generated code in the AST, for the unpacking of `{% set a, b = ... %}`. */
export const PyCode: NodeClass = base.extend('PyCode', { fields: ['code'] });
/** Our node kinds, which nunjucks' type checks must let through. */
export const OWN_NODES: readonly NodeClass[] = [PySlice, PyBool, PyIter, PyCode];

/** nunjucks' node class by name (`Literal`, `LookupVal`, ...). */
export const node = (name: string): NodeClass => nodes[name]!;
/** A node's child node in `field`. */
export const child = (n: AstNode, field: string): AstNode => n[field] as AstNode;
/** The children of a NodeList-like node. */
export const children = (n: AstNode): AstNode[] => n['children'] as AstNode[];
/** All nodes of a kind under `root`. */
export const findAll = (root: AstNode, typename: string): AstNode[] =>
  (root as unknown as { findAll(type: NodeClass): AstNode[] }).findAll(node(typename));
