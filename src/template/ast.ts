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
/** A tuple: `(1, 2)`, `(1,)`, `()`, or the items of `{{ a, b }}`; also a tuple of assignment targets. */
export const PyTuple: NodeClass = nodes['NodeList']!.extend('PyTuple');
/** `{% for target in iter if test recursive %}`, with Jinja2's loop object, scoping and unpacking. */
export const PyFor: NodeClass = base.extend('PyFor', { fields: ['name', 'arr', 'body', 'else_', 'test', 'recursive'] });
/** `{% set target = value %}`, or a set block (`value` is then its filtered capture); `target` may be `ns.attr`. */
export const PySet: NodeClass = base.extend('PySet', { fields: ['target', 'value'] });
/** `{% with a = 1, b = 2 %}...{% endwith %}`: names visible only inside. */
export const PyWith: NodeClass = base.extend('PyWith', { fields: ['targets', 'values', 'body'] });
/** `{% include name [ignore missing] [with context | without context] %}`. */
export const PyInclude: NodeClass = base.extend('PyInclude', { fields: ['template', 'ignoreMissing', 'withContext'] });
/** `{% autoescape expr %}...{% endautoescape %}`. */
export const PyAutoescape: NodeClass = base.extend('PyAutoescape', { fields: ['value', 'body'] });
/** Our node kinds, which nunjucks' type checks must let through. */
export const OWN_NODES: readonly NodeClass[] = [PySlice, PyBool, PyIter, PyCode, PyTuple, PyFor, PySet, PyWith,
  PyInclude, PyAutoescape];

const OWN_BY_NAME = new Map(OWN_NODES.map((type) => [(type.prototype as AstNode).typename, type]));

/** A node class by name: nunjucks' (`Literal`, `LookupVal`, ...) or ours (`PyFor`, ...). */
export const node = (name: string): NodeClass => nodes[name] ?? OWN_BY_NAME.get(name)!;
/** A node's child node in `field`. */
export const child = (n: AstNode, field: string): AstNode => n[field] as AstNode;
/** The children of a NodeList-like node. */
export const children = (n: AstNode): AstNode[] => n['children'] as AstNode[];
/** All nodes of a kind under `root`. */
export const findAll = (root: AstNode, typename: string): AstNode[] =>
  (root as unknown as { findAll(type: NodeClass): AstNode[] }).findAll(node(typename));
