const fs=require('fs');const dir=process.argv[2];
const p=JSON.parse(fs.readFileSync(dir+'/'+fs.readdirSync(dir)[0],'utf8'));
const self=new Map();const byId=new Map(p.nodes.map(n=>[n.id,n]));
const dt=p.timeDeltas;const counts=new Map();p.samples.forEach((s,i)=>counts.set(s,(counts.get(s)||0)+(dt[i]||0)));
let total=0;for(const [id,t] of counts){const n=byId.get(id);const k=n.callFrame.functionName+' '+n.callFrame.url.replace(/.*node_modules\//,'').replace(/.*work\/main\//,'')+':'+n.callFrame.lineNumber;self.set(k,(self.get(k)||0)+t);total+=t}
[...self].sort((a,b)=>b[1]-a[1]).slice(0,45).forEach(([k,t])=>console.log((t/total*100).toFixed(1)+'%',k));
