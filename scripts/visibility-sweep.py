#!/usr/bin/env python3
"""Issue 10 point 6, as a tool: makes modules and items `pub(crate)` unless
the binary, the tests, the bench or a re-export name them, then walks back
what a public signature needs (rustc's private-interface errors). Run from
the project root after a merge; `cargo clippy -- -D warnings` then reports
the dead code it uncovered. Names are matched as words, so a name any test
mentions stays `pub`: it errs on the side of public."""

import glob
import os
import re
import subprocess


def modules():
    import re,glob,os
    files=glob.glob('tests/**/*.rs',recursive=True)+glob.glob('benches/**/*.rs',recursive=True)+['src/main.rs']
    ext=set()
    def expand(prefix, body):
        body=body.strip(); res=[]; depth=0; cur=''; parts=[]
        for ch in body:
            if ch=='{': depth+=1
            if ch=='}': depth-=1
            if ch==',' and depth==0: parts.append(cur); cur=''
            else: cur+=ch
        parts.append(cur)
        for p in parts:
            p=p.strip()
            if not p: continue
            if '{' in p:
                i=p.index('{'); head=p[:i].rstrip(':'); inner=p[i+1:p.rindex('}')]
                res+=expand(prefix+[x for x in head.split('::') if x], inner)
            else:
                res.append(prefix+[x.split(' as ')[0].strip() for x in p.split('::') if x])
        return res
    for f in files:
        s=open(f).read()
        for m in re.finditer(r'use whytop::([^;]+);',s,re.S):
            for p in expand([], m.group(1)): ext.add('::'.join(p))
        for m in re.finditer(r'whytop::((?:[a-z_][a-z0-9_]*::)*[A-Za-z_][A-Za-z0-9_]*)',s):
            ext.add(m.group(1))
    # re-exports inside the crate keep their source module public
    for f in glob.glob('src/**/*.rs',recursive=True):
        for m in re.finditer(r'pub use crate::([^;]+);',open(f).read(),re.S):
            for p in expand([], m.group(1)): ext.add('::'.join(p))
    keep={'present::columns','platform::darwin_decode::qos','platform::stackfmt::jstack'}
    def used(path): return path in keep or any(e==path or e.startswith(path+'::') for e in ext)
    changed=[]
    for root,_,fs in os.walk('src'):
        for f in fs:
            if not f.endswith('.rs'): continue
            p=os.path.join(root,f); rel=os.path.relpath(p,'src')[:-3]
            if rel=='main': continue
            modpath=[] if rel=='lib' else (rel.split('/')[:-1] if f=='mod.rs' else rel.split('/'))
            s=open(p).read()
            def rep(m):
                path='::'.join(modpath+[m.group(2)])
                if used(path): return m.group(0)
                changed.append(path); return m.group(1)+'pub(crate) mod '+m.group(2)+';'
            s2=re.sub(r'(^[ \t]*)pub mod ([a-z_0-9]+);',rep,s,flags=re.M)
            if s2!=s: open(p,'w').write(s2)
    print(len(changed), ' '.join(changed))



def items():
    import re,glob
    ext=''
    for f in glob.glob('tests/**/*.rs',recursive=True)+glob.glob('benches/**/*.rs',recursive=True)+['src/main.rs']:
        ext+=open(f).read()
    names=set(re.findall(r'[A-Za-z_][A-Za-z0-9_]*',ext))|{'from_letter'}
    for f in glob.glob('src/**/*.rs',recursive=True):
        for m in re.finditer(r'pub use [^;]+;',open(f).read()):
            names|=set(re.findall(r'[A-Za-z_][A-Za-z0-9_]*',m.group(0)))
    n=0
    for f in glob.glob('src/**/*.rs',recursive=True):
        if f=='src/main.rs' or f.endswith('darwin_decode/qos.rs'): continue
        L=open(f).read().split('\n')
        ch=False
        for i,l in enumerate(L):
            m=re.match(r'(\s*)pub (fn|struct|enum|const|static|type|trait|async fn|const fn|unsafe fn) ([A-Za-z_][A-Za-z0-9_]*)',l)
            if m and m.group(3) not in names:
                L[i]=l.replace('pub ','pub(crate) ',1); ch=True; n+=1
        if ch: open(f,'w').write('\n'.join(L))
    print(n)



def walk_back():
    import re,glob,subprocess,sys
    for it in range(8):
        out=subprocess.run(['cargo','build','--message-format=short'],capture_output=True,text=True).stderr
        bad=set(m.split('::')[-1] for m in re.findall(r"type `([^`]+)` is more private",out))
        bad|=set(re.findall(r"`([A-Za-z_0-9]+)` is only public within the crate",out))
        if not bad: break
        print(it, len(bad), sorted(bad)[:10])
        for f in glob.glob('src/**/*.rs',recursive=True):
            s=open(f).read()
            s2=re.sub(r'pub\(crate\) (struct|enum|type|trait|fn|const) ([A-Za-z_0-9]+)',lambda m: ('pub ' if m.group(2) in bad else 'pub(crate) ')+m.group(1)+' '+m.group(2),s)
            if s2!=s: open(f,'w').write(s2)
    print(out[-3000:])



if __name__ == "__main__":
    modules()
    items()
    walk_back()
